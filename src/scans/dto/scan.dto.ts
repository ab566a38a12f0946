import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/pagination.js';
import { CLOUD_PROVIDERS } from '../entities/cloud-account.entity.js';
import {
  OrphanResource,
  RESOURCE_STATUSES,
  type ResourceStatus,
} from '../entities/orphan-resource.entity.js';
import type { Price } from '../entities/price.entity.js';
import {
  Scan,
  SCAN_STATUSES,
  STEP_STATUSES,
  type ScanStatus,
  type ScanType,
  type StepStatus,
} from '../entities/scan.entity.js';

export class StartScanDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  cloud_account_id: string;
}

export class ListScansQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SCAN_STATUSES })
  @IsOptional()
  @IsIn(SCAN_STATUSES)
  status?: ScanStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  account_id?: string;

  @ApiPropertyOptional({ enum: ['manual', 'scheduled'] })
  @IsOptional()
  @IsIn(['manual', 'scheduled'])
  type?: ScanType;
}

export class RegionErrorDto {
  @ApiProperty() region: string;
  @ApiPropertyOptional({ example: 'ec2:DescribeSnapshots' }) step?: string;
  @ApiPropertyOptional({ example: 'UnauthorizedOperation' }) code?: string;
  @ApiProperty() message: string;
}

export class ServiceStatusDto {
  @ApiProperty({ example: 'us-east-1' }) region: string;
  @ApiProperty({ example: 'ec2', description: '`*` for the region as a whole (timeout, crash)' })
  service: string;
  @ApiProperty({ example: 'ec2:DescribeVolumes' }) step: string;
  @ApiProperty({ enum: STEP_STATUSES, description: 'skipped: the credentials lack the permission' })
  status: StepStatus;
  @ApiProperty() resources_examined: number;
  @ApiPropertyOptional({ example: 'AccessDenied' }) code?: string;
  @ApiPropertyOptional({ description: 'Why it failed or was skipped' }) reason?: string;
}

export class StatusSummaryDto {
  @ApiProperty() scanned: number;
  @ApiProperty() failed: number;
  @ApiProperty() skipped: number;
}

export class ScanDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) cloud_account_id: string;
  @ApiProperty({ enum: ['manual', 'scheduled'] }) type: ScanType;
  @ApiProperty({ enum: SCAN_STATUSES }) status: ScanStatus;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiProperty({ nullable: true, type: String }) current_step: string | null;
  @ApiProperty({ nullable: true, type: String }) current_region: string | null;
  @ApiProperty() resources_scanned: number;
  @ApiProperty() orphans_found: number;
  @ApiProperty({ example: 123.45 }) estimated_monthly_waste: number;
  @ApiProperty({ type: [RegionErrorDto] }) region_errors: RegionErrorDto[];
  @ApiProperty({
    type: [ServiceStatusDto],
    description:
      'Every region and service step: scanned, failed (with the reason) or skipped (no permission)',
  })
  service_status: ServiceStatusDto[];
  @ApiProperty({ type: StatusSummaryDto, description: 'Steps of service_status by outcome' })
  status_summary: StatusSummaryDto;
  @ApiProperty({
    description:
      'Findings with a cost line no price source knows (cost_unknown): their monthly cost, and so the waste, is a lower bound',
  })
  findings_cost_unknown: number;
  @ApiProperty({ nullable: true, type: String }) error_message: string | null;
  @ApiProperty({ description: 'Times a worker started it (more than 1 after a worker died)' })
  attempts: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completed_at: string | null;
  @ApiProperty({ nullable: true, type: Number }) duration_seconds: number | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;

  static from(s: Scan): ScanDto {
    return {
      id: s.id,
      cloud_account_id: s.accountId,
      type: s.type,
      status: s.status,
      progress: s.progress,
      current_step: s.currentStep,
      current_region: s.currentRegion,
      resources_scanned: s.resourcesScanned,
      orphans_found: s.orphansFound,
      estimated_monthly_waste: s.estimatedMonthlyWaste,
      region_errors: s.regionErrors,
      service_status: s.serviceStatus ?? [],
      status_summary: {
        scanned: (s.serviceStatus ?? []).filter((r) => r.status === 'scanned').length,
        failed: (s.serviceStatus ?? []).filter((r) => r.status === 'failed').length,
        skipped: (s.serviceStatus ?? []).filter((r) => r.status === 'skipped').length,
      },
      findings_cost_unknown: s.findingsCostUnknown ?? 0,
      error_message: s.errorMessage,
      attempts: s.attempts,
      started_at: s.startedAt?.toISOString() ?? null,
      completed_at: s.completedAt?.toISOString() ?? null,
      duration_seconds:
        s.startedAt && s.completedAt ? (s.completedAt.getTime() - s.startedAt.getTime()) / 1000 : null,
      created_at: s.createdAt.toISOString(),
    };
  }
}

export class ScanPageDto extends PageMetaDto {
  @ApiProperty({ type: [ScanDto] }) items: ScanDto[];
}

export class ResourceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) scan_id: string;
  @ApiProperty({ format: 'uuid' }) cloud_account_id: string;
  @ApiProperty({ enum: CLOUD_PROVIDERS }) provider: string;
  @ApiProperty({ example: 'ebs_volume' }) resource_type: string;
  @ApiProperty({ example: 'vol-0abc' }) resource_id: string;
  @ApiProperty({ nullable: true, type: String }) resource_name: string | null;
  @ApiProperty() region: string;
  @ApiProperty({ example: 8.0 }) monthly_cost: number;
  @ApiProperty({
    description:
      'age_days, reason, confidence (low|medium|high|critical), cost_breakdown (item, price_key, quantity, unit_price, monthly, price_source override|live|cache|list, priced_at, cost_unknown), cost_unknown and per-type details',
    example: {
      age_days: 120,
      reason: 'Unattached; no I/O for 120 days',
      confidence: 'critical',
      cost_breakdown: [
        {
          item: 'gp3 storage (GB)',
          price_key: 'aws.ebs.gp3.gb_month',
          quantity: 100,
          unit_price: 0.08,
          monthly: 8,
          price_source: 'list',
          priced_at: null,
          cost_unknown: false,
        },
      ],
      cost_unknown: false,
    },
  })
  metadata: Record<string, unknown>;
  @ApiProperty({ enum: RESOURCE_STATUSES }) status: ResourceStatus;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(r: OrphanResource): ResourceDto {
    return {
      id: r.id,
      scan_id: r.scanId,
      cloud_account_id: r.accountId,
      provider: r.provider,
      resource_type: r.resourceType,
      resource_id: r.resourceId,
      resource_name: r.resourceName,
      region: r.region,
      monthly_cost: r.monthlyCost,
      metadata: r.metadata,
      status: r.status,
      notes: r.notes,
      created_at: r.createdAt.toISOString(),
      updated_at: r.updatedAt.toISOString(),
    };
  }
}

export class ResourcePageDto extends PageMetaDto {
  @ApiProperty({ type: [ResourceDto] }) items: ResourceDto[];
}

export class ScanDetailDto extends ScanDto {
  @ApiProperty({ type: [ResourceDto], description: 'The 100 costliest resources of the scan' })
  resources: ResourceDto[];
  @ApiProperty({ description: 'How many resources the scan found in all (see /resources?scan_id=)' })
  resources_total: number;
}

export class ScanSummaryDto {
  @ApiProperty() total_scans: number;
  @ApiProperty({ example: { pending: 0, in_progress: 1, completed: 4, failed: 0, cancelled: 0 } })
  by_status: Record<ScanStatus, number>;
  @ApiProperty() accounts_scanned: number;
  @ApiProperty() orphans_in_latest_scans: number;
  @ApiProperty() monthly_waste_in_latest_scans: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_scan_at: string | null;
}

export class ListResourcesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  account_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the latest completed scan of each account' })
  @IsOptional()
  @IsUUID()
  scan_id?: string;

  @ApiPropertyOptional({ enum: RESOURCE_STATUSES })
  @IsOptional()
  @IsIn(RESOURCE_STATUSES)
  status?: ResourceStatus;

  @ApiPropertyOptional({ example: 'ebs_volume' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  resource_type?: string;

  @ApiPropertyOptional({ example: 'us-east-1' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  region?: string;

  @ApiPropertyOptional({ example: 5, description: 'Minimum monthly cost (USD)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  min_cost?: number;
}

export class TopCostQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 10;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  account_id?: string;
}

export class StatsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  account_id?: string;
}

export class UpdateResourceDto {
  @ApiPropertyOptional({ enum: RESOURCE_STATUSES })
  @IsOptional()
  @IsIn(RESOURCE_STATUSES)
  status?: ResourceStatus;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

export class GroupStatDto {
  @ApiProperty() count: number;
  @ApiProperty() monthly_cost: number;
}

export class ResourceStatsDto {
  @ApiProperty() total_resources: number;
  @ApiProperty({ description: 'Active and marked-for-deletion resources, per month' }) monthly_waste: number;
  @ApiProperty() annual_waste: number;
  @ApiProperty({ example: [{ resource_type: 'ebs_volume', count: 3, monthly_cost: 24.5 }] })
  by_type: Array<Record<string, string | number>>;
  @ApiProperty({ example: [{ region: 'us-east-1', count: 3, monthly_cost: 24.5 }] })
  by_region: Array<Record<string, string | number>>;
  @ApiProperty({ example: [{ status: 'active', count: 3, monthly_cost: 24.5 }] })
  by_status: Array<Record<string, string | number>>;
}

export class PriceOverrideDto {
  @ApiProperty({ example: 'eu-west-1', description: 'A region, or * to change the list price' })
  @IsString()
  @Matches(/^(\*|[a-z0-9-]{2,40})$/, { message: 'region must be * or a region name' })
  region: string;

  @ApiProperty({ example: 0.088, description: 'USD per unit' })
  @IsNumber()
  @Min(0)
  @Max(100000)
  usd: number;
}

export class PriceRegionQueryDto {
  @ApiProperty({ example: 'eu-west-1' })
  @IsString()
  @Matches(/^[a-z0-9-]{2,40}$/, { message: 'region must be a region name' })
  region: string;
}

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

export class CachedPricesDto {
  @ApiProperty({ enum: ['aws', 'azure', 'gcp'] }) provider: 'aws' | 'azure' | 'gcp';
  @ApiProperty({ description: 'Prices fetched within the cache period' }) fresh: number;
  @ApiProperty({ description: 'Older prices, no longer applied' }) stale: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) oldest_fetched_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) newest_fetched_at: string | null;
}

export class PricingStatsDto {
  @ApiProperty({ enum: ['aws', 'azure', 'gcp'], isArray: true, description: 'PRICING_LIVE_PROVIDERS' })
  live_providers: Array<'aws' | 'azure' | 'gcp'>;
  @ApiProperty({ example: 24 }) cache_hours: number;
  @ApiProperty() list_prices: number;
  @ApiProperty({ description: 'Regional overrides and changed list prices' }) overrides: number;
  @ApiProperty({ type: [CachedPricesDto] }) cached: CachedPricesDto[];
}

export class PriceRefreshDto {
  @ApiProperty({ example: 'prices:manual:2026-01-01T10:00:00.000Z' }) job_id: string;
}
