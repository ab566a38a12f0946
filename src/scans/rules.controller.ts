import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { RuleDto, UpdateRuleDto } from './dto/rule.dto.js';
import { RulesService } from './services/rules.service.js';

@ApiTags('scans: detection rules')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 401, type: ErrorBody })
@Controller('detection-rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  @ApiOperation({ summary: 'Every rule as it runs for the caller (defaults merged with overrides)' })
  @ApiResponse({ status: 200, type: [RuleDto] })
  async list(@CurrentUser() user: AuthUser): Promise<RuleDto[]> {
    return (await this.rules.list(user.id)).map((r) => RuleDto.from(r));
  }

  @Get(':resourceType')
  @ApiOperation({ summary: 'One rule' })
  @ApiResponse({ status: 200, type: RuleDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async get(@CurrentUser() user: AuthUser, @Param('resourceType') type: string): Promise<RuleDto> {
    return RuleDto.from(await this.rules.get(user.id, type));
  }

  @Put(':resourceType')
  @ApiOperation({ summary: "Override a rule's parameters or turn it off (validated against its parameters)" })
  @ApiResponse({ status: 200, type: RuleDto })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Unknown parameter or value out of range' })
  async put(
    @CurrentUser() user: AuthUser,
    @Param('resourceType') type: string,
    @Body() dto: UpdateRuleDto,
  ): Promise<RuleDto> {
    return RuleDto.from(await this.rules.put(user.id, type, dto));
  }

  @Delete(':resourceType')
  @ApiOperation({ summary: 'Back to the defaults' })
  @ApiResponse({ status: 200, type: RuleDto })
  async reset(@CurrentUser() user: AuthUser, @Param('resourceType') type: string): Promise<RuleDto> {
    return RuleDto.from(await this.rules.reset(user.id, type));
  }
}
