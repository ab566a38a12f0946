import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { fromFile } from 'geotiff';
import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Repository } from 'typeorm';
import { cloudcastingConfig, type CloudcastingConfig } from '../cloudcasting.config.js';
import { CloudcastingError, CloudcastingErrorCode } from '../cloudcasting.errors.js';
import { CloudcastingForecast } from '../entities/cloudcasting-forecast.entity.js';
import { convertForecast } from '../layers/forecast-converter.js';
import { LayerSetStore, layerFileName, PublishedSet } from '../layers/layer-set-store.js';
import { DirectoryZarrSource } from '../source/directory-zarr-source.js';
import { S3ZarrSource } from '../source/s3-zarr-source.js';
import { downloadStore, ZarrSource } from '../source/zarr-source.js';
import { readSatPred, SatPredFormatError } from '../zarr/sat-pred-reader.js';
import { RunStateStore } from './run-state.js';

export type RunOutcome =
  | { status: 'published'; forecast: CloudcastingForecast }
  | { status: 'up_to_date'; sourceLastModified: Date };

export interface RunOptions {
  force: boolean;
  jobId?: string;
  /** Besides the shared run state: the CLI's progress bar, the Bull job's progress. */
  onProgress?: (task: string, percent: number) => void;
}

export interface LayerFile {
  path: string;
  fileName: string;
  etag: string;
  setId: string;
}

/**
 * The cloudcasting use cases: fetch the newest forecast and publish it as GeoTIFF layers (one run at a time across
 * replicas), and answer what is published. Called by the Bull job, the CLI and the controller.
 */
@Injectable()
export class CloudcastingService {
  private readonly logger = new Logger(CloudcastingService.name);
  private readonly source: ZarrSource | null;
  private readonly layers: LayerSetStore;

  constructor(
    @Inject(cloudcastingConfig.KEY) private readonly config: CloudcastingConfig,
    @InjectRepository(CloudcastingForecast) private readonly forecasts: Repository<CloudcastingForecast>,
    private readonly runState: RunStateStore,
  ) {
    this.source = createSource(config);
    this.layers = new LayerSetStore(config.dataDir);
  }

  get sourceDescription(): string | null {
    return this.source?.description ?? null;
  }

  /** Runs the whole pipeline unless another run holds the lock (then DOWNLOAD_RUNNING with its id). */
  async run(options: RunOptions): Promise<RunOutcome> {
    const source = this.requireSource();
    const owner = options.jobId ?? `cli-${randomUUID()}`;
    const lock = await this.runState.acquire(owner);
    if (!lock.acquired)
      throw new CloudcastingError(
        CloudcastingErrorCode.DOWNLOAD_RUNNING,
        `A download is already running (job ${lock.holder})`,
        { job_id: lock.holder },
      );
    if (lock.tookOver)
      this.logger.warn(`Run ${owner} taken up again after its worker died; it takes over its own lock`);
    const report = async (task: string, percent: number) => {
      options.onProgress?.(task, percent);
      await this.runState.report(owner, task, percent);
    };
    try {
      const abandoned = await this.layers.discardAbandoned();
      if (abandoned.length)
        this.logger.warn(`Removed ${abandoned.length} draft or download folder(s) of a run that died`);
      const outcome = await this.runLocked(source, owner, options.force, report);
      await this.runState.finish(owner, {
        task: outcome.status === 'published' ? 'published' : 'up to date',
      });
      return outcome;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.logger.error({ err: e, jobId: owner }, `Cloudcasting run failed: ${message}`);
      await this.runState.finish(owner, { task: 'failed', error: message });
      throw e;
    }
  }

  private async runLocked(
    source: ZarrSource,
    owner: string,
    force: boolean,
    report: (task: string, percent: number) => Promise<void>,
  ): Promise<RunOutcome> {
    const started = Date.now();
    await report('checking source', 2);
    const version = await source.version().catch((e: Error) => {
      throw new CloudcastingError(
        CloudcastingErrorCode.SOURCE_UNREACHABLE,
        `Cannot reach ${source.description}: ${e.message}`,
      );
    });
    if (!version)
      throw new CloudcastingError(
        CloudcastingErrorCode.SOURCE_EMPTY,
        `No Zarr store at ${source.description}`,
      );
    const latest = await this.forecasts.findOne({ where: {}, order: { sourceLastModified: 'DESC' } });
    const current = await this.layers.current();
    if (
      !force &&
      latest &&
      current &&
      version.lastModified.getTime() <= latest.sourceLastModified.getTime()
    ) {
      this.logger.log(`Source unchanged since ${latest.sourceLastModified.toISOString()}; nothing to do`);
      return { status: 'up_to_date', sourceLastModified: version.lastModified };
    }

    const staging = await this.layers.staging(owner);
    const setId = this.layers.newSetId();
    const draft = await this.layers.begin(setId);
    try {
      await report('downloading', 5);
      let lastReport = 0;
      const downloaded = await downloadStore(source, staging, {
        ...this.config.download,
        onProgress: (done, total) => {
          if (Date.now() - lastReport < 500) return;
          lastReport = Date.now();
          void report('downloading', 5 + (40 * done) / Math.max(total, 1));
        },
      });
      const downloadMs = Date.now() - started;

      await report('reading forecast', 47);
      const convertStarted = Date.now();
      const forecast = await readSatPred(staging).catch((e: Error) => {
        if (e instanceof SatPredFormatError)
          throw new CloudcastingError(CloudcastingErrorCode.INVALID_STORE, e.message);
        throw e;
      });
      for (const warning of forecast.warnings) this.logger.warn(`${source.description}: ${warning}`);
      await report('converting', 50);
      const result = await convertForecast(forecast, draft, {
        ...this.config.conversion,
        onLayer: (done, total) => {
          if (done === total || Date.now() - lastReport >= 500) {
            lastReport = Date.now();
            void report('converting', 50 + (45 * done) / total);
          }
        },
      });
      if (result.projection.origin === 'default')
        this.logger.warn(
          `No platform name or orbit attributes in ${source.description}; assuming lon_0 = 9.5`,
        );
      const convertMs = Date.now() - convertStarted;

      await report('publishing', 97);
      const platformName =
        typeof forecast.attrs.platform_name === 'string' ? forecast.attrs.platform_name : null;
      const { grid, box } = result;
      const published = await this.layers.publish(draft, {
        set_id: setId,
        init_time: forecast.initTime?.toISOString() ?? null,
        source_last_modified: version.lastModified.toISOString(),
        platform_name: platformName,
        lon0: result.projection.lon0,
        channels: forecast.channels,
        steps_minutes: forecast.stepsMinutes,
        grid: {
          west: grid.west,
          north: grid.north,
          east: grid.west + grid.width * grid.resolution,
          south: grid.north - grid.height * grid.resolution,
          resolution: grid.resolution,
          width: grid.width,
          height: grid.height,
        },
        layer_count: result.layerCount,
        total_bytes: result.totalBytes,
        published_at: new Date().toISOString(),
        statistics: result.statistics,
      });
      const row = await this.forecasts.save(
        this.forecasts.create({
          setId,
          initTime: forecast.initTime,
          sourceLastModified: version.lastModified,
          source: source.description,
          platformName,
          lon0: result.projection.lon0,
          channels: forecast.channels,
          stepsMinutes: forecast.stepsMinutes,
          layerCount: result.layerCount,
          width: grid.width,
          height: grid.height,
          resolution: grid.resolution,
          bbox: [box.west, box.south, box.east, box.north],
          downloadBytes: downloaded.bytes,
          totalBytes: result.totalBytes,
          downloadMs,
          convertMs,
          totalMs: Date.now() - started,
          jobId: owner,
        }),
      );
      const removed = await this.layers.prune(this.config.keepSets);
      this.logger.log(
        `Published ${published.manifest.layer_count} layers of ${published.manifest.init_time ?? 'unknown init time'} ` +
          `as ${setId} in ${row.totalMs} ms (download ${downloadMs} ms, convert ${convertMs} ms); removed ${removed.length} old set(s)`,
      );
      return { status: 'published', forecast: row };
    } catch (e) {
      await draft.discard();
      throw e;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async current(): Promise<PublishedSet | null> {
    return this.layers.current();
  }

  /** A published set by id (current or kept), for URLs that pin one: SET_NOT_FOUND once it is pruned. */
  async requireSet(setId: string): Promise<PublishedSet> {
    const set = await this.layers.get(setId);
    if (!set)
      throw new CloudcastingError(
        CloudcastingErrorCode.SET_NOT_FOUND,
        `No layer set ${setId}: it was never published or has been replaced and pruned`,
      );
    return set;
  }

  /** Throws UNKNOWN_CHANNEL / STEP_OUT_OF_RANGE unless the set has that layer. */
  validateLayer(set: PublishedSet, channel: string, step: number): void {
    this.validateChannel(set, channel);
    const steps = set.manifest.steps_minutes.length;
    if (!Number.isInteger(step) || step < 0 || step >= steps)
      throw new CloudcastingError(
        CloudcastingErrorCode.STEP_OUT_OF_RANGE,
        `Step ${step} is out of range: steps are 0 to ${steps - 1}`,
      );
  }

  async requireCurrent(): Promise<PublishedSet> {
    const set = await this.layers.current();
    if (!set)
      throw new CloudcastingError(CloudcastingErrorCode.NO_FORECAST, 'No forecast has been published yet');
    return set;
  }

  /** The file of one layer of the current set; validates the channel and step against that set. */
  async layerFile(channel: string, step: number): Promise<LayerFile> {
    const set = await this.layers.current();
    if (!set)
      throw new CloudcastingError(
        CloudcastingErrorCode.LAYER_NOT_FOUND,
        `No layer for channel ${channel} step ${step}: no forecast has been published yet`,
      );
    this.validateLayer(set, channel, step);
    const fileName = layerFileName(channel, step);
    const path = join(set.dir, fileName);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile())
      throw new CloudcastingError(
        CloudcastingErrorCode.LAYER_NOT_FOUND,
        `No layer for channel ${channel} step ${step} in the current forecast`,
      );
    // A set never changes once published, so its id pins the bytes.
    return {
      path,
      fileName,
      etag: `"${set.manifest.set_id}-${channel}-${step}"`,
      setId: set.manifest.set_id,
    };
  }

  /** The forecast at one place for every step of one channel, read from the current set's GeoTIFFs. */
  async point(lon: number, lat: number, channel: string) {
    const set = await this.requireCurrent();
    this.validateChannel(set, channel);
    const { grid } = set.manifest;
    const col = Math.floor((lon - grid.west) / grid.resolution);
    const row = Math.floor((grid.north - lat) / grid.resolution);
    if (col < 0 || col >= grid.width || row < 0 || row >= grid.height)
      throw new CloudcastingError(
        CloudcastingErrorCode.POINT_OUTSIDE_GRID,
        `(${lon}, ${lat}) is outside the forecast grid (lon ${grid.west}..${grid.east}, lat ${grid.south}..${grid.north})`,
      );
    const initTime = set.manifest.init_time ? new Date(set.manifest.init_time) : null;
    const values = await Promise.all(
      set.manifest.steps_minutes.map(async (minutes, step) => {
        const tiff = await fromFile(join(set.dir, layerFileName(channel, step)));
        try {
          const image = await tiff.getImage();
          const [band] = (await image.readRasters({
            window: [col, row, col + 1, row + 1],
          })) as unknown as Float32Array[];
          const value = band[0];
          return {
            step,
            minutes,
            valid_time: initTime ? new Date(initTime.getTime() + minutes * 60_000).toISOString() : null,
            value: Number.isNaN(value) ? null : value,
          };
        } finally {
          await tiff.close();
        }
      }),
    );
    return {
      channel,
      lon,
      lat,
      cell: {
        lon: grid.west + (col + 0.5) * grid.resolution,
        lat: grid.north - (row + 0.5) * grid.resolution,
      },
      set_id: set.manifest.set_id,
      init_time: set.manifest.init_time,
      values,
    };
  }

  async latestForecast(): Promise<CloudcastingForecast | null> {
    return this.forecasts.findOne({ where: {}, order: { processedAt: 'DESC' } });
  }

  forecastBySet(setId: string): Promise<CloudcastingForecast | null> {
    return this.forecasts.findOne({ where: { setId } });
  }

  async history(limit: number, offset: number): Promise<[CloudcastingForecast[], number]> {
    return this.forecasts.findAndCount({ order: { processedAt: 'DESC' }, take: limit, skip: offset });
  }

  private validateChannel(set: PublishedSet, channel: string): void {
    if (!set.manifest.channels.includes(channel))
      throw new CloudcastingError(
        CloudcastingErrorCode.UNKNOWN_CHANNEL,
        `Unknown channel ${channel}: one of ${set.manifest.channels.join(', ')}`,
      );
  }

  /** SOURCE_NOT_CONFIGURED (503) unless a source is set. */
  assertConfigured(): void {
    this.requireSource();
  }

  private requireSource(): ZarrSource {
    if (!this.source)
      throw new CloudcastingError(
        CloudcastingErrorCode.SOURCE_NOT_CONFIGURED,
        'Cloudcasting source is not configured: set CLOUDCASTING_S3_BUCKET or CLOUDCASTING_SOURCE=file:///...',
      );
    return this.source;
  }
}

function createSource(config: CloudcastingConfig): ZarrSource | null {
  const source = config.source;
  if (source.kind === 'directory') return new DirectoryZarrSource(source.dir);
  if (!source.bucket) return null;
  return new S3ZarrSource({ ...source, bucket: source.bucket });
}
