import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOperation,
  ApiProperty,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, Roles, CurrentUser, Role } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { PriceOverrideDto, PriceRegionQueryDto } from './dto/scan.dto.js';
import type { Price } from './entities/price.entity.js';
import { PricingService } from './services/pricing.service.js';
import { AdminStatsService } from './services/admin-stats.service.js';

export class PriceDto {
  @ApiProperty({ example: 'aws.ebs.gp3.gb_month' }) key: string;
  @ApiProperty({ example: '*', description: '* for the list price, else the region it overrides' })
  region: string;
  @ApiProperty({ example: 0.08 }) usd: number;
  @ApiProperty({ example: 'GB-month' }) unit: string;
  @ApiProperty() description: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(p: Price): PriceDto {
    return {
      key: p.key,
      region: p.region,
      usd: p.usd,
      unit: p.unit,
      description: p.description,
      updated_at: p.updatedAt.toISOString(),
    };
  }
}

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
