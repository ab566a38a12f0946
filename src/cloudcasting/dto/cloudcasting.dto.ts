import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageMetaDto } from '../../common/pagination/pagination.js';
import { COLORMAP_NAMES, type ColormapName } from '../tiles/colormaps.js';

const CHANNEL = /^[A-Za-z0-9_]{1,32}$/;

export class TriggerDownloadDto {
  @ApiPropertyOptional({ description: 'Convert even if the source has not changed', default: false })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class TriggerDownloadResponseDto {
  @ApiProperty({ example: 'manual-1732530000000-a1b2c3' })
  job_id: string;
}

export class LayerParamsDto {
  @ApiProperty({ example: 'IR_108', description: 'A channel of the current forecast' })
  @Matches(CHANNEL, { message: 'channel must be a channel name such as IR_108' })
  channel: string;

  @ApiProperty({ example: 0, description: 'Step index, 0 = first forecast step (15 minutes)' })
  @Type(() => Number)
  @IsInt({ message: 'step must be an integer step index' })
  step: number;
}

export class PointQueryDto {
  @ApiProperty({ example: -0.1275 })
  @Type(() => Number)
  @IsNumber()
  @Min(-180)
  @Max(180)
  lon: number;

  @ApiProperty({ example: 51.5072 })
  @Type(() => Number)
  @IsNumber()
  @Min(-90)
  @Max(90)
  lat: number;

  @ApiProperty({ example: 'IR_108' })
  @IsString()
  @Matches(CHANNEL, { message: 'channel must be a channel name such as IR_108' })
  channel: string;
}

export class DownloadStatusDto {
  @ApiProperty() is_running: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'converting' }) current_task: string | null;
  @ApiProperty({ description: 'Percent of the current run', example: 72 }) progress: number;
  @ApiProperty({ nullable: true, type: String, description: 'Time the newest forecast was published' })
  last_completed: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Error of the last run, if it failed' })
  error: string | null;
  @ApiProperty({ nullable: true, type: String }) job_id: string | null;
}

/** As the replaced cloudcasting backend documents it, plus the valid times of the first and last step. */
export class TimeRangeDto {
  @ApiProperty({ description: 'When the layer set being served was published' }) last_processed: string;
  @ApiProperty({ example: 'S3 download timestamp' }) data_source: string;
  @ApiProperty({ example: 12 }) total_forecast_steps: number;
  @ApiProperty({ example: 11 }) available_variables: number;
  @ApiProperty({ nullable: true, type: String, description: 'Valid time of step 0' }) start: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Valid time of the last step' }) end:
    string | null;
}

export class DataInfoDto {
  @ApiProperty() file_exists: boolean;
  @ApiProperty({ nullable: true, type: String }) init_time: string | null;
  @ApiProperty({
    type: [Number],
    example: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    description: 'Step indices, as layers/{channel}/{step}.tif takes them',
  })
  forecast_steps: number[];
  @ApiProperty({ type: [Number], example: [15, 30, 45], description: 'Lead time of each step in minutes' })
  forecast_steps_minutes: number[];
  @ApiProperty({ type: [String], example: ['IR_108', 'VIS006'] }) variables: string[];
  @ApiProperty({ nullable: true, type: Number, description: 'Size of the current layer set' })
  file_size_mb: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'LastModified of the source store' })
  last_modified: string | null;
  @ApiProperty({ nullable: true, type: TimeRangeDto }) time_range: TimeRangeDto | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
}

export class GridDto {
  @ApiProperty() west: number;
  @ApiProperty() south: number;
  @ApiProperty() east: number;
  @ApiProperty() north: number;
  @ApiProperty({ example: 0.075 }) resolution: number;
  @ApiProperty() width: number;
  @ApiProperty() height: number;
}

export class StepDto {
  @ApiProperty({ description: 'Index used in layer URLs' }) index: number;
  @ApiProperty({ example: 15 }) minutes: number;
  @ApiProperty({ nullable: true, type: String }) valid_time: string | null;
}

export class LayersDto {
  @ApiProperty() available: boolean;
  @ApiProperty({ nullable: true, type: String }) set_id: string | null;
  @ApiProperty({ nullable: true, type: String }) init_time: string | null;
  @ApiProperty({ type: [String] }) channels: string[];
  @ApiProperty({ type: [StepDto] }) steps: StepDto[];
  @ApiProperty({ nullable: true, type: GridDto }) grid: GridDto | null;
  @ApiProperty({ example: '/api/v1/cloudcasting/layers/{channel}/{step}.tif' }) url_template: string;
  @ApiProperty({ example: '/api/v1/cloudcasting/tiles/{set}/{channel}/{step}/{z}/{x}/{y}.png' })
  tile_url_template: string;
}

export class PointValueDto {
  @ApiProperty() step: number;
  @ApiProperty() minutes: number;
  @ApiProperty({ nullable: true, type: String }) valid_time: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Raw model value; null where there is no data' })
  value: number | null;
}

export class PointCellDto {
  @ApiProperty() lon: number;
  @ApiProperty() lat: number;
}

export class PointSeriesDto {
  @ApiProperty() channel: string;
  @ApiProperty() lon: number;
  @ApiProperty() lat: number;
  @ApiProperty({ type: PointCellDto, description: 'Centre of the grid cell read' }) cell: PointCellDto;
  @ApiProperty() set_id: string;
  @ApiProperty({ nullable: true, type: String }) init_time: string | null;
  @ApiProperty({ type: [PointValueDto] }) values: PointValueDto[];
}

export class ForecastDto {
  @ApiProperty() id: string;
  @ApiProperty() set_id: string;
  @ApiProperty({ nullable: true, type: String }) init_time: string | null;
  @ApiProperty() source_last_modified: string;
  @ApiProperty() source: string;
  @ApiProperty({ nullable: true, type: String }) platform_name: string | null;
  @ApiProperty() lon0: number;
  @ApiProperty({ type: [String] }) channels: string[];
  @ApiProperty({ type: [Number] }) steps_minutes: number[];
  @ApiProperty() layer_count: number;
  @ApiProperty() width: number;
  @ApiProperty() height: number;
  @ApiProperty() resolution: number;
  @ApiProperty({ type: [Number], description: 'west, south, east, north' }) bbox: number[];
  @ApiProperty() download_bytes: number;
  @ApiProperty() total_bytes: number;
  @ApiProperty() download_ms: number;
  @ApiProperty() convert_ms: number;
  @ApiProperty() total_ms: number;
  @ApiProperty({ nullable: true, type: String }) job_id: string | null;
  @ApiProperty() processed_at: string;
}

export class ForecastPageDto extends PageMetaDto {
  @ApiProperty({ type: [ForecastDto] }) items: ForecastDto[];
}

export class CloudcastingStatusDto {
  @ApiProperty({ description: 'A source is configured' }) configured: boolean;
  @ApiProperty({ nullable: true, type: String, example: 's3://bucket/cloudcasting_forecast/latest.zarr' })
  source: string | null;
  @ApiProperty({
    description: 'Cron expression, or null when the schedule is off',
    nullable: true,
    type: String,
  })
  schedule: string | null;
  @ApiProperty({ nullable: true, type: ForecastDto, description: 'The forecast being served' })
  current: ForecastDto | null;
  @ApiProperty({ type: DownloadStatusDto }) download: DownloadStatusDto;
}

export class TileParamsDto {
  @ApiProperty({ example: '20250601T120500000Z-a1b2c3', description: 'Layer set id (from /layers)' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, { message: 'set must be a layer set id' })
  set: string;

  @ApiProperty({ example: 'IR_108' })
  @Matches(CHANNEL, { message: 'channel must be a channel name such as IR_108' })
  channel: string;

  @ApiProperty({ example: 0, description: 'Step index' })
  @Type(() => Number)
  @IsInt({ message: 'step must be an integer step index' })
  step: number;
}

export class TileXyzParamsDto extends TileParamsDto {
  @ApiProperty({ example: 5 }) @Type(() => Number) @IsInt() @Min(0) @Max(24) z: number;
  @ApiProperty({ example: 15 }) @Type(() => Number) @IsInt() @Min(0) x: number;
  @ApiProperty({ example: 10 }) @Type(() => Number) @IsInt() @Min(0) y: number;
}

export class TileStyleQueryDto {
  @ApiPropertyOptional({ enum: COLORMAP_NAMES, default: 'greys' })
  @IsOptional()
  @IsIn(COLORMAP_NAMES)
  colormap?: ColormapName;

  @ApiPropertyOptional({
    example: '0,1',
    description: 'min,max of the colour stretch; the layer min and max by default',
  })
  @IsOptional()
  @IsString()
  rescale?: string;
}

export class LegendQueryDto extends TileStyleQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'png'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'png'])
  format?: 'json' | 'png';
}

export class LegendStopDto {
  @ApiProperty() value: number;
  @ApiProperty({ example: 'rgba(68, 1, 84, 1)' }) color: string;
}

export class LegendDto {
  @ApiProperty({ enum: COLORMAP_NAMES }) colormap: string;
  @ApiProperty() min: number;
  @ApiProperty() max: number;
  @ApiProperty({ type: [LegendStopDto] }) stops: LegendStopDto[];
}

export class LayerStatisticsDto {
  @ApiProperty({ nullable: true, type: Number }) min: number | null;
  @ApiProperty({ nullable: true, type: Number }) max: number | null;
  @ApiProperty({ nullable: true, type: Number }) mean: number | null;
  @ApiProperty({ nullable: true, type: Number }) std: number | null;
  @ApiProperty({
    description: 'Nearest-rank percentiles p2, p5, p25, p50, p75, p95, p98',
    example: { p2: 0.1, p50: 0.5, p98: 0.9 },
  })
  percentiles: Record<string, number | null>;
  @ApiProperty() valid_count: number;
  @ApiProperty() valid_percent: number;
}

export class TileJsonDto {
  @ApiProperty({ example: '3.0.0' }) tilejson: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() version: string;
  @ApiProperty({ example: 'xyz' }) scheme: string;
  @ApiProperty({ type: [String] }) tiles: string[];
  @ApiProperty() minzoom: number;
  @ApiProperty() maxzoom: number;
  @ApiProperty({ type: [Number] }) bounds: number[];
  @ApiProperty({ type: [Number] }) center: number[];
  @ApiProperty() attribution: string;
}
