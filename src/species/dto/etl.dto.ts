import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageMetaDto } from '../../common/pagination/pagination.js';
import type { EtlParameters } from '../entities/etl-run.entity.js';
import { IsWktPolygon } from '../rules/wkt.js';
import { EtlRun, EtlRunStatus } from '../entities/etl-run.entity.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class StartEtlRunDto {
  @ApiPropertyOptional({ enum: ['incremental', 'full'], default: 'incremental' })
  @IsOptional()
  @IsIn(['incremental', 'full'])
  mode?: 'incremental' | 'full';

  @ApiPropertyOptional({ description: 'Stop after this many pages', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  pages?: number;

  @ApiPropertyOptional({ example: '2024-01-01', description: 'Incremental default: 30 days before end_date' })
  @IsOptional()
  @Matches(DAY, { message: 'start_date must be a date YYYY-MM-DD' })
  start_date?: string;

  @ApiPropertyOptional({ example: '2024-01-31', description: 'Incremental default: today (UTC)' })
  @IsOptional()
  @Matches(DAY, { message: 'end_date must be a date YYYY-MM-DD' })
  end_date?: string;

  @ApiPropertyOptional({ example: '127405,126436', description: 'AphiaID(s)' })
  @IsOptional()
  @Matches(/^\d+(,\d+)*$/, { message: 'taxonid must be AphiaIDs separated by commas' })
  taxonid?: string;

  @ApiPropertyOptional({ example: 'Mola mola' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  scientificname?: string;

  @ApiPropertyOptional({
    example: 'POLYGON((-10 40,10 40,10 60,-10 60,-10 40))',
    description: 'WKT; default the globe',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  @IsWktPolygon()
  geometry?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, description: 'Page size (default OBIS_PAGE_SIZE)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  size?: number;
}

export class EtlRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['incremental', 'full'] }) mode: string;
  @ApiProperty({ enum: EtlRunStatus }) status: EtlRunStatus;
  @ApiProperty({ enum: ['api', 'cli', 'cron'] }) trigger: string;
  @ApiProperty({ example: { size: 500, startDate: '2024-01-01', endDate: '2024-01-31' } })
  parameters: EtlParameters;
  @ApiProperty() pages: number;
  @ApiProperty() fetched: number;
  @ApiProperty() inserted: number;
  @ApiProperty() updated: number;
  @ApiProperty() skipped: number;
  @ApiProperty({ description: 'WoRMS lookups that failed (names left empty)' }) errors: number;
  @ApiProperty({
    description: 'Curated records a completed full run removed: OBIS no longer returns them for its query',
  })
  removed: number;
  @ApiProperty({ nullable: true, type: String, description: 'OBIS `after` of the next page' }) cursor:
    string | null;
  @ApiProperty({ nullable: true, type: String }) last_error: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Seconds between start and finish' })
  duration_s: number | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;

  static from(run: EtlRun): EtlRunDto {
    return {
      id: run.id,
      mode: run.mode,
      status: run.status,
      trigger: run.trigger,
      parameters: run.parameters,
      pages: run.pages,
      fetched: run.fetched,
      inserted: run.inserted,
      updated: run.updated,
      skipped: run.skipped,
      errors: run.errors,
      removed: run.removed,
      cursor: run.cursor,
      last_error: run.lastError,
      started_at: run.startedAt?.toISOString() ?? null,
      finished_at: run.finishedAt?.toISOString() ?? null,
      duration_s:
        run.startedAt && run.finishedAt ? (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000 : null,
      created_at: run.createdAt.toISOString(),
    };
  }
}

export class EtlRunPageDto extends PageMetaDto {
  @ApiProperty({ type: [EtlRunDto] }) items: EtlRunDto[];
}
