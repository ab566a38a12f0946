import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthUser, Roles, CurrentUser, Role } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import {
  PriceDto,
  PriceOverrideDto,
  PriceRefreshDto,
  PriceRegionQueryDto,
  PricingStatsDto,
} from './dto/scan.dto.js';
import { PricingService } from './services/pricing.service.js';
import { AdminStatsService } from './services/admin-stats.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 403, type: ErrorBody, description: 'Not an admin' })
@Roles(Role.ADMIN)
@Controller('admin')
export class AdminScansController {
  constructor(
    private readonly stats: AdminStatsService,
    private readonly pricing: PricingService,
  ) {}

  @Get('scans/stats')
  @ApiOperation({
    summary: 'Accounts by provider, scans by status, waste in the latest scans, the last 24 hours',
  })
  scanStats() {
    return this.stats.stats();
  }

  @Get('pricing')
  @ApiOperation({ summary: 'List prices and their regional overrides' })
  @ApiResponse({ status: 200, type: [PriceDto] })
  async prices(): Promise<PriceDto[]> {
    return (await this.pricing.list()).map((p) => PriceDto.from(p));
  }

  @Get('pricing/stats')
  @ApiOperation({
    summary:
      'Live price sources, the 24 h cache (fresh and stale prices per provider), list prices and overrides',
  })
  @ApiResponse({ status: 200, type: PricingStatsDto })
  pricingStats(): Promise<PricingStatsDto> {
    return this.pricing.stats();
  }

  @Post('pricing/refresh')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a refresh of the live prices from the providers’ price APIs' })
  @ApiResponse({ status: 202, type: PriceRefreshDto })
  @ApiResponse({ status: 503, type: ErrorBody, description: 'No live price source configured' })
  refreshPrices(): Promise<PriceRefreshDto> {
    return this.pricing.enqueueRefresh(new Date(), true);
  }

  @Put('pricing/:key')
  @ApiOperation({ summary: 'Override a price in one region (or change the list price with region *)' })
  @ApiResponse({ status: 200, type: PriceDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async setPrice(
    @CurrentUser() admin: AuthUser,
    @Param('key') key: string,
    @Body() dto: PriceOverrideDto,
  ): Promise<PriceDto> {
    return PriceDto.from(await this.pricing.set(key, dto.region, dto.usd, admin.id));
  }

  @Delete('pricing/:key')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove a region's override (?region=)" })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, type: ErrorBody })
  async removeOverride(@Param('key') key: string, @Query() query: PriceRegionQueryDto): Promise<void> {
    await this.pricing.removeOverride(key, query.region);
  }
}
