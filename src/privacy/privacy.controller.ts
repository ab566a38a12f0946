import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Delete, Get, HttpCode, Logger, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { type AuthUser, CurrentUser, Role, Roles, SessionCookies } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { DeleteAccountDto, ErasureReportDto } from './dto/privacy.dto.js';
import { PrivacyService } from './services/privacy.service.js';

const EXPORT_DESCRIPTION =
  'JSON, streamed: {"format", "exported_at", "user_id", "account": {...}, "species": {...}, "jobs": {...}, ' +
  '"scans": {...}, "sensors": {...}}, one section per module that holds personal data (see README, Privacy)';

/** Pieces gathered up to this size before a write: one socket write per row would cost more than reading it. */
const WRITE_BYTES = 64 * 1024;

async function* gathered(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= WRITE_BYTES) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** Writes the export as it is read; a failure half-way cuts the response (the status is already sent). */
async function streamExport(privacy: PrivacyService, userId: string, res: Response, logger: Logger) {
  await privacy.assertUser(userId);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Disposition', 'attachment; filename="terrawatch-personal-data.json"');
  res.setHeader('Cache-Control', 'no-store');
  await pipeline(Readable.from(gathered(privacy.export(userId))), res).catch((e: unknown) => {
    logger.warn({ err: e, userId }, 'Export cut short');
    res.destroy();
  });
}

@ApiTags('privacy')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 401, type: ErrorBody })
@Controller('me')
export class PrivacyController {
  private readonly logger = new Logger('Privacy');

  constructor(
    private readonly privacy: PrivacyService,
    private readonly cookies: SessionCookies,
  ) {}

  @Get('export')
  @ApiOperation({ summary: 'Everything Terrawatch holds about you, across every module (GDPR access)' })
  @ApiProduces('application/json')
  @ApiResponse({ status: 200, description: EXPORT_DESCRIPTION })
  async export(@CurrentUser() user: AuthUser, @Res() res: Response): Promise<void> {
    await streamExport(this.privacy, user.id, res, this.logger);
  }

  @Delete()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Erase your account and everything of it in every module, in one transaction; signs you out (GDPR erasure)',
  })
  @ApiResponse({ status: 200, type: ErasureReportDto })
  @ApiResponse({
    status: 400,
    type: ErrorBody,
    description: 'Missing confirmation, or missing/wrong password',
  })
  @ApiResponse({
    status: 409,
    type: ErrorBody,
    description:
      'ERASURE_BLOCKED (refused by a constraint) or LAST_ADMIN (it would leave no active admin); nothing was erased',
  })
  async erase(
    @CurrentUser() user: AuthUser,
    @Body() dto: DeleteAccountDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ErasureReportDto> {
    const report = await this.privacy.eraseOwnAccount(user.id, dto.confirm, dto.password);
    this.cookies.clear(res);
    return report;
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 401, type: ErrorBody })
@ApiResponse({ status: 403, type: ErrorBody, description: 'Not an admin' })
@Roles(Role.ADMIN)
@Controller('admin/users')
export class AdminPrivacyController {
  private readonly logger = new Logger('Privacy');

  constructor(private readonly privacy: PrivacyService) {}

  @Get(':id/export')
  @ApiOperation({ summary: "A user's personal data across every module (GDPR access on their behalf)" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/json')
  @ApiResponse({ status: 200, description: EXPORT_DESCRIPTION })
  @ApiResponse({ status: 404, type: ErrorBody })
  async export(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response): Promise<void> {
    await streamExport(this.privacy, id, res, this.logger);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Erase a user and everything of theirs in every module, in one transaction' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, type: ErasureReportDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  @ApiResponse({
    status: 409,
    type: ErrorBody,
    description:
      'ERASURE_BLOCKED (refused by a constraint) or LAST_ADMIN (it would leave no active admin); nothing was erased',
  })
  erase(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() admin: AuthUser,
  ): Promise<ErasureReportDto> {
    return this.privacy.erase(id, admin.id);
  }
}
