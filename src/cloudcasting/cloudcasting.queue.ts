import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import type { WithRequestId } from '../common/context/request-context.js';
import { QueueAdapter } from '../common/queue/queue-adapter.js';
import { defineQueue } from '../common/queue/queue-definition.js';
import { CloudcastingError, CloudcastingErrorCode } from './cloudcasting.errors.js';
import { CloudcastingService } from './services/cloudcasting.service.js';
import { RunStateStore } from './services/run-state.js';

export enum CloudcastingJob {
  DOWNLOAD = 'download',
}

export const CLOUDCASTING_QUEUE = defineQueue('cloudcasting', CloudcastingJob);

export interface DownloadJobData {
  force: boolean;
}

/** Puts download runs on the Bull queue: from the API (manual) and from the cron (one id per tick). */
@Injectable()
export class CloudcastingQueue extends QueueAdapter<CloudcastingJob, DownloadJobData> {
  constructor(
    @InjectQueue(CLOUDCASTING_QUEUE.name) queue: Queue<DownloadJobData & WithRequestId>,
    private readonly runState: RunStateStore,
    private readonly cloudcasting: CloudcastingService,
  ) {
    super(queue, CLOUDCASTING_QUEUE);
  }

  /** 409 with the running (or queued) job's id when there is one. */
  async trigger(force: boolean): Promise<{ job_id: string }> {
    this.cloudcasting.assertConfigured();
    const running = (await this.runState.holder()) ?? (await this.pendingJobId());
    if (running)
      throw new CloudcastingError(
        CloudcastingErrorCode.DOWNLOAD_RUNNING,
        `A download is already running (job ${running})`,
        { job_id: running },
      );
    const jobId = `manual-${Date.now()}-${randomBytes(3).toString('hex')}`;
    await this.add(CloudcastingJob.DOWNLOAD, { force }, { jobId, attempts: 1 });
    return { job_id: jobId };
  }

  /**
   * The cron tick's job id is the tick's minute: every replica ticks in the same minute and computes the same id,
   * and Bull keeps one job per id, so the run is queued once.
   */
  enqueueScheduled(tick: Date): Promise<string> {
    const minute = tick.toISOString().slice(0, 16).replace(/[-:T]/g, '');
    return this.add(
      CloudcastingJob.DOWNLOAD,
      { force: false },
      { jobId: `scheduled-${minute}`, attempts: 1 },
    );
  }

  /** The id of a queued or running job, if any. */
  async pendingJobId(): Promise<string | null> {
    const [job] = await this.queue.getJobs(['active', 'waiting', 'delayed'], 0, 0);
    return job ? String(job.id) : null;
  }
}
