import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type AuthUser, CurrentUser } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import {
  ListScansQueryDto,
  ResourceDto,
  ScanDetailDto,
  ScanDto,
  ScanPageDto,
  ScanSummaryDto,
  StartScanDto,
} from './dto/scan.dto.js';
import { RateLimit } from '../common/throttling/rate-limit.guards.js';
import { ScansRateLimit } from './scans.rate-limits.js';
import { ScansService } from './services/scans.service.js';

const DETAIL_RESOURCES = 100;

@ApiTags('scans')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 401, type: ErrorBody })
@Controller('scans')
export class ScansController {
  constructor(private readonly scans: ScansService) {}

  @Post()
  @HttpCode(202)
  @RateLimit(ScansRateLimit.SCAN_REQUEST)
  @ApiOperation({ summary: 'Queue a scan of one of your accounts (10 per minute per user)' })
  @ApiResponse({ status: 202, type: ScanDto })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Inactive account' })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'No such account of the caller' })
  @ApiResponse({ status: 409, type: ErrorBody, description: 'A scan of this account is already under way' })
  @ApiResponse({ status: 429, type: ErrorBody })
  async start(@CurrentUser() user: AuthUser, @Body() dto: StartScanDto): Promise<ScanDto> {
    return ScanDto.from(await this.scans.start(user.id, dto.cloud_account_id));
  }

  @Get()
  @ApiOperation({ summary: 'Your scans, newest first' })
  @ApiResponse({ status: 200, type: ScanPageDto })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListScansQueryDto): Promise<ScanPageDto> {
    const result = await this.scans.list(user.id, query);
    return { ...result, items: result.items.map((s) => ScanDto.from(s)) };
  }

  @Get('summary')
  @ApiOperation({ summary: 'Counts by status and the waste found by the latest scan of each account' })
  @ApiResponse({ status: 200, type: ScanSummaryDto })
  async summary(@CurrentUser() user: AuthUser): Promise<ScanSummaryDto> {
    return this.scans.summary(user.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A scan with its progress and its costliest resources' })
  @ApiResponse({ status: 200, type: ScanDetailDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ScanDetailDto> {
    const scan = await this.scans.get(user.id, id);
    const resources = await this.scans.resourcesOf(scan.id, DETAIL_RESOURCES);
    return {
      ...ScanDto.from(scan),
      resources: resources.items.map((r) => ResourceDto.from(r)),
      resources_total: resources.total,
    };
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Cancel a pending or running scan (200 with the scan); delete a finished one (204)',
  })
  @ApiResponse({ status: 200, type: ScanDto, description: 'Cancelled' })
  @ApiResponse({ status: 204, description: 'Deleted with its resources' })
  @ApiResponse({ status: 404, type: ErrorBody })
  async cancel(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScanDto | undefined> {
    const { scan, action } = await this.scans.cancelOrDelete(user.id, id);
    if (action === 'deleted') {
      res.status(204);
      return undefined;
    }
    return ScanDto.from(scan);
  }
}
