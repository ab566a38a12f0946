import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { WithRequestId } from '../common/context/request-context.js';
import { defineQueue } from '../common/queue/queue-definition.js';
import { QueueAdapter } from '../common/queue/queue-adapter.js';
import { hourStart } from './schedule.js';

/** Job names of the scans queue. */
export enum ScansJob {
  /** Run one scan (`{scanId}`); the job id is the scan id. */
  RUN = 'run',
  /** The hourly tick: create and enqueue the scheduled scans due this hour (job id `tick:<hour>`). */
  SCHEDULE_TICK = 'schedule-tick',
  /** Fetch live prices into the 24 h cache: every key in use, or the `pairs` a scan could not price. */
  REFRESH_PRICES = 'refresh-prices',
}

export const SCANS_QUEUE = defineQueue('scans', ScansJob);

export interface RunScanData {
  scanId: string;
}

export interface ScheduleTickData {
  /** The hour the tick is for, ISO (`2026-01-01T10:00:00.000Z`). */
  hour: string;
}

export interface RefreshPricesData {
  /** Only these keys (else every key with a live source, in every region an account scans). */
  pairs?: Array<{ provider: 'aws' | 'azure' | 'gcp'; key: string; region: string }>;
}

type ScansJobData = RunScanData | ScheduleTickData | RefreshPricesData;

/** Where a scan's run job is: Bull's state, or `missing` when Redis no longer has it. */
export interface RunJobState {
  state: string;
  failedReason?: string;
}

/** Every job the Scans module puts on its queue, and what it asks the queue about its run jobs. */
@Injectable()
export class ScansQueue extends QueueAdapter<ScansJob, ScansJobData> {
  constructor(@InjectQueue(SCANS_QUEUE.name) queue: Queue<ScansJobData & WithRequestId>) {
    super(queue, SCANS_QUEUE);
  }

  /** Queues one scan; the job id is the scan id, so a scan is never queued twice. */
  enqueueRun(scanId: string): Promise<string> {
    return this.add(ScansJob.RUN, { scanId } satisfies RunScanData, {
      jobId: scanId,
      // A scan handles its own failures (it ends `failed`); retrying is for a worker that died (stalled job).
      attempts: 1,
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
  }

  /** Queues the tick of the hour `at` falls in; the job id is the hour, so every replica's tick is one job. */
  enqueueTick(at: Date): Promise<string> {
    const hour = hourStart(at).toISOString();
    return this.add(ScansJob.SCHEDULE_TICK, { hour } satisfies ScheduleTickData, {
      jobId: `tick:${hour}`,
      attempts: 3,
    });
  }

  /** Queues a price refresh; `id` makes it deterministic (a cron tick's time, a scan's id). */
  enqueuePriceRefresh(id: string, data: RefreshPricesData = {}): Promise<string> {
    return this.add(ScansJob.REFRESH_PRICES, data, {
      jobId: `prices:${id}`,
      attempts: 2,
      backoff: { type: 'exponential', delay: 30_000 },
      removeOnComplete: 100,
      removeOnFail: 100,
    });
  }

  /** Drops a scan's run job if it is still waiting; an active one notices the cancellation by itself. */
  async removeWaitingRun(scanId: string): Promise<void> {
    const job = await this.queue.getJob(scanId);
    if (job && (await job.getState()) === 'waiting') await job.remove().catch(() => undefined);
  }

  async runState(scanId: string): Promise<RunJobState> {
    const job = await this.queue.getJob(scanId);
    if (!job) return { state: 'missing' };
    return { state: await job.getState(), failedReason: job.failedReason };
  }
}
