import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { NAME_PATTERN } from '../sensors.rules.js';

export const BUCKETS = ['1m', '5m', '15m', '1h', '1d'] as const;
export type Bucket = (typeof BUCKETS)[number];
/** At most one year back. */
export const MAX_HOURS = 24 * 366;

export class LatestQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'Most recently updated sensors first',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}

export class HoursQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_HOURS, default: 24, description: 'Window ending now' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_HOURS)
  hours = 24;
}

export class AnomaliesQueryDto extends HoursQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100000)
  offset = 0;
}

export class HistoryQueryDto {
  @ApiProperty({ example: 'greenhouse-1-temp' })
  @IsString()
  @Matches(NAME_PATTERN, { message: 'sensor_id must be 1-100 letters, digits or . _ : -' })
  sensor_id: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_HOURS,
    description: 'Window ending now (default 24); or from/to',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_HOURS)
  hours?: number;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00Z',
    description: 'Start (inclusive); with `to`, instead of hours',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-01-02T00:00:00Z', description: 'End (exclusive), default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: BUCKETS, description: 'Downsample to avg/min/max/count per bucket' })
  @IsOptional()
  @IsIn(BUCKETS)
  bucket?: Bucket;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 10000,
    default: 1000,
    description: 'Readings (newest first) or buckets',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit = 1000;
}

export class LiveQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}
