import { Body, Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { DeleteMyDataDto } from './dto/gdpr.dto.js';
import { GdprService } from './services/gdpr.service.js';

@ApiTags('scans: gdpr')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 401, type: ErrorBody })
@Controller('gdpr')
export class GdprController {
  constructor(private readonly gdpr: GdprService) {}

  @Get('export-my-data')
  @ApiOperation({
    summary:
      'Everything the Scans module holds about you: accounts (masked credentials), scans, resources, rules, chats',
  })
  @ApiResponse({ status: 200, description: 'JSON document' })
  exportMyData(@CurrentUser() user: AuthUser) {
    return this.gdpr.export(user.id);
  }

  @Delete('delete-my-data')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Erase your cloud accounts, scans, resources, rule overrides and conversations (your login stays)',
  })
  @ApiResponse({ status: 200, description: 'Counts of what was deleted' })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Missing or wrong confirmation' })
  deleteMyData(@CurrentUser() user: AuthUser, @Body() dto: DeleteMyDataDto) {
    return this.gdpr.delete(user.id, dto.confirm);
  }
}
