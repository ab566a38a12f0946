import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { StatusRegistry } from '../../common/status/status.registry.js';
import { page, PageQueryDto } from '../../common/pagination/pagination.js';
import { apiPath } from '../../common/http/api-prefix.js';
import { cloudcastingConfig, type CloudcastingConfig } from '../cloudcasting.config.js';
import type {
  CloudcastingStatusDto,
  DataInfoDto,
  DownloadStatusDto,
  ForecastDto,
  ForecastPageDto,
  LayersDto,
  PointSeriesDto,
} from '../dto/cloudcasting.dto.js';
import { CloudcastingForecast } from '../entities/cloudcasting-forecast.entity.js';
import { CloudcastingQueue } from '../cloudcasting.queue.js';
import { CloudcastingService, LayerFile } from './cloudcasting.service.js';
import { RunStateStore } from './run-state.js';
import { TILE_URL_TEMPLATE } from './cloudcasting-tiles.js';

export const LAYER_URL_TEMPLATE = apiPath('cloudcasting/layers/{channel}/{step}.tif');

/** The read side: what is served and how the downloads go, shaped for the API. */
@Injectable()
export class CloudcastingQueries implements OnModuleInit {
  constructor(
    @Inject(cloudcastingConfig.KEY) private readonly config: CloudcastingConfig,
    private readonly cloudcasting: CloudcastingService,
    private readonly runState: RunStateStore,
    private readonly statusRegistry: StatusRegistry,
    private readonly queue: CloudcastingQueue,
  ) {}

  onModuleInit(): void {
    this.statusRegistry.register('cloudcasting', async () => {
      const [set, state] = await Promise.all([this.cloudcasting.current(), this.runState.read()]);
      return {
        current_set: set?.manifest.set_id ?? null,
        init_time: set?.manifest.init_time ?? null,
        download_running: state.is_running,
        last_error: state.error,
      };
    });
  }

  get tiffMaxAgeSeconds(): number {
    return this.config.tiffMaxAgeSeconds;
  }

  async status(): Promise<CloudcastingStatusDto> {
    const [set, download] = await Promise.all([this.cloudcasting.current(), this.downloadStatus()]);
    const row = set ? await this.cloudcasting.forecastBySet(set.manifest.set_id) : null;
    return {
      configured: this.cloudcasting.sourceDescription !== null,
      source: this.cloudcasting.sourceDescription,
      schedule:
        this.config.cronEnabled && this.cloudcasting.sourceDescription !== null ? this.config.cron : null,
      current: row ? toForecastDto(row) : null,
      download,
    };
  }

  async downloadStatus(): Promise<DownloadStatusDto> {
    const [state, latest, pending] = await Promise.all([
      this.runState.read(),
      this.cloudcasting.latestForecast(),
      this.queue.pendingJobId(),
    ]);
    // Queued but not started yet: already "running" for a client that just triggered it.
    if (!state.is_running && pending && pending !== state.job_id)
      return {
        is_running: true,
        current_task: 'queued',
        progress: 0,
        last_completed: latest?.processedAt.toISOString() ?? null,
        error: null,
        job_id: pending,
      };
    return {
      is_running: state.is_running,
      current_task: state.current_task,
      progress: state.progress,
      last_completed: latest?.processedAt.toISOString() ?? null,
      error: state.error,
      job_id: state.job_id,
    };
  }

  async dataInfo(): Promise<DataInfoDto> {
    const [set, state] = await Promise.all([this.cloudcasting.current(), this.runState.read()]);
    if (!set)
      return {
        file_exists: false,
        init_time: null,
        forecast_steps: [],
        forecast_steps_minutes: [],
        variables: [],
        file_size_mb: null,
        last_modified: null,
        time_range: null,
        error: state.error,
      };
    const { manifest } = set;
    const init = manifest.init_time ? new Date(manifest.init_time).getTime() : null;
    const steps = manifest.steps_minutes;
    const validTime = (minutes: number) =>
      init !== null ? new Date(init + minutes * 60_000).toISOString() : null;
    return {
      file_exists: true,
      init_time: manifest.init_time,
      // What the replaced backend's map client reads: step indices, each one a valid `layers/{channel}/{step}.tif`.
      forecast_steps: steps.map((_, index) => index),
      forecast_steps_minutes: steps,
      variables: manifest.channels,
      file_size_mb: Math.round((manifest.total_bytes / 1024 / 1024) * 100) / 100,
      last_modified: manifest.source_last_modified,
      time_range: {
        last_processed: manifest.published_at,
        data_source: 'S3 download timestamp',
        total_forecast_steps: steps.length,
        available_variables: manifest.channels.length,
        start: steps.length > 0 ? validTime(steps[0]) : null,
        end: steps.length > 0 ? validTime(steps[steps.length - 1]) : null,
      },
      error: state.error,
    };
  }

  async layers(): Promise<LayersDto> {
    const set = await this.cloudcasting.current();
    if (!set)
      return {
        available: false,
        set_id: null,
        init_time: null,
        channels: [],
        steps: [],
        grid: null,
        url_template: LAYER_URL_TEMPLATE,
        tile_url_template: TILE_URL_TEMPLATE,
      };
    const { manifest } = set;
    const init = manifest.init_time ? new Date(manifest.init_time).getTime() : null;
    return {
      available: true,
      set_id: manifest.set_id,
      init_time: manifest.init_time,
      channels: manifest.channels,
      steps: manifest.steps_minutes.map((minutes, index) => ({
        index,
        minutes,
        valid_time: init !== null ? new Date(init + minutes * 60_000).toISOString() : null,
      })),
      grid: manifest.grid,
      url_template: LAYER_URL_TEMPLATE,
      tile_url_template: TILE_URL_TEMPLATE,
    };
  }

  layerFile(channel: string, step: number): Promise<LayerFile> {
    return this.cloudcasting.layerFile(channel, step);
  }

  point(lon: number, lat: number, channel: string): Promise<PointSeriesDto> {
    return this.cloudcasting.point(lon, lat, channel);
  }

  async history(query: PageQueryDto): Promise<ForecastPageDto> {
    const [rows, total] = await this.cloudcasting.history(query.limit, query.offset);
    return page(rows.map(toForecastDto), total, query);
  }
}

function toForecastDto(row: CloudcastingForecast): ForecastDto {
  return {
    id: row.id,
    set_id: row.setId,
    init_time: row.initTime?.toISOString() ?? null,
    source_last_modified: row.sourceLastModified.toISOString(),
    source: row.source,
    platform_name: row.platformName,
    lon0: row.lon0,
    channels: row.channels,
    steps_minutes: row.stepsMinutes,
    layer_count: row.layerCount,
    width: row.width,
    height: row.height,
    resolution: row.resolution,
    bbox: row.bbox,
    download_bytes: row.downloadBytes,
    total_bytes: row.totalBytes,
    download_ms: row.downloadMs,
    convert_ms: row.convertMs,
    total_ms: row.totalMs,
    job_id: row.jobId,
    processed_at: row.processedAt.toISOString(),
  };
}
