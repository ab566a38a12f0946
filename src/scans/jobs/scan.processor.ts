import { OnQueueFailed } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job } from 'bull';
import type { Histogram } from 'prom-client';
import { Repository } from 'typeorm';
import { OnJob, QueueWorker } from '../../common/queue/queue-worker.decorators.js';
import { readEnv } from '../../config/env.js';
import { MetricsService } from '../../metrics/index.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { Scan } from '../entities/scan.entity.js';
import { PricingService } from '../services/pricing.service.js';
import { ScanRunner } from '../services/scan-runner.js';
import { ScansEnv } from '../scans.config.js';
import { ScansService } from '../services/scans.service.js';
import {
  SCANS_QUEUE,
  ScansJob,
  type RefreshPricesData,
  type RunScanData,
  type ScheduleTickData,
} from '../scans.queue.js';
import type { RefreshResult } from '../services/pricing.service.js';

/** Unfinished scans untouched this long whose job is gone are failed (see `reconcileAbandoned`). */
const ABANDONED_AFTER_MS = 60_000;

/** The scan worker. Concurrency is fixed when the module loads, as Bull needs it at registration. */
@QueueWorker(SCANS_QUEUE)
export class ScanProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScanProcessor.name);
  private readonly duration: Histogram<'status'>;

  constructor(
    private readonly runner: ScanRunner,
    private readonly scans: ScansService,
    private readonly realtime: RealtimeService,
    private readonly pricing: PricingService,
    @InjectRepository(Scan) private readonly scanRepo: Repository<Scan>,
    metrics: MetricsService,
  ) {
    this.duration = metrics.histogram({
      name: 'terrawatch_scan_duration_seconds',
      help: 'Scans from their first start to their end, by final status (completed, failed, cancelled)',
      labelNames: ['status'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    });
  }

  onApplicationBootstrap(): void {
    void this.pricing
      .ensureListPrices()
      .catch((e: Error) => this.logger.error({ err: e }, 'Could not restore the list prices'));
    // A scan whose worker died while this replica was down must not wait an hour for the next tick to be settled.
    void this.scans
      .reconcileAbandoned(ABANDONED_AFTER_MS)
      .then((n) => n > 0 && this.logger.warn(`Marked ${n} abandoned scan(s) failed`))
      .catch((e: Error) => this.logger.error({ err: e }, 'Reconciling abandoned scans failed'));
  }

  @OnJob(SCANS_QUEUE, ScansJob.RUN, {
    concurrency: readEnv(ScansEnv, process.env).SCAN_WORKER_CONCURRENCY,
  })
  async run(job: Job<RunScanData>): Promise<{ status: string } | undefined> {
    const since = new Date();
    const scan = await this.runner.run(job.data.scanId, (progress) => this.push(progress));
    this.observe(scan, since);
    return scan ? { status: scan.status } : undefined;
  }

  @OnJob(SCANS_QUEUE, ScansJob.SCHEDULE_TICK)
  async tick(job: Job<ScheduleTickData>): Promise<{ created: number; abandoned: number }> {
    const created = await this.scans.enqueueDue(new Date(job.data.hour));
    const abandoned = await this.scans.reconcileAbandoned(ABANDONED_AFTER_MS);
    return { created: created.length, abandoned };
  }

  @OnJob(SCANS_QUEUE, ScansJob.REFRESH_PRICES)
  refreshPrices(job: Job<RefreshPricesData>): Promise<RefreshResult> {
    return this.pricing.refresh(job.data);
  }

  /** A run job that failed outright, including one that stalled more often than allowed (its worker kept dying). */
  @OnQueueFailed()
  async onFailed(job: Job, error: Error): Promise<void> {
    if (job.name !== ScansJob.RUN) return;
    const scan = await this.scanRepo.findOneBy({ id: (job.data as RunScanData).scanId });
    if (!scan) return;
    const since = new Date();
    const failed = await this.runner.fail(scan, `The scan worker stopped: ${error.message}`);
    this.observe(failed, since);
    if (failed) this.push(failed);
  }

  /** Counts a scan that ended during this call once; a retried job that finds it ended already adds nothing. */
  private observe(scan: Scan | null, since: Date): void {
    if (!scan?.startedAt || !scan.completedAt || scan.completedAt < since) return;
    this.duration.observe(
      { status: scan.status },
      (scan.completedAt.getTime() - scan.startedAt.getTime()) / 1000,
    );
  }

  private push(scan: Scan): void {
    this.realtime.toUser(scan.ownerId, 'scan_progress', {
      scan_id: scan.id,
      status: scan.status,
      progress: scan.progress,
      current_step: scan.currentStep ?? undefined,
      region: scan.currentRegion ?? undefined,
      resources_found: scan.orphansFound,
    });
  }
}
