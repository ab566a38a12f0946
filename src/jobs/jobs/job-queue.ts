import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { withRequestId, WithRequestId } from '../../common/context/request-context.js';
import type { Job } from '../entities/job.entity.js';
import { jobsConfig, type JobsConfig } from '../jobs.config.js';

export const JOBS_QUEUE = 'jobs';
export const PROCESS_JOB = 'process';

export interface ProcessJobData extends WithRequestId {
  jobId: string;
  run: number;
  userId: string;
  /**
   * Set on the run queued when a review ends: the file is staged whole, only checks and the load remain. A run
   * requeued from the database after Redis lost it goes without, and merely reads the file again to no effect.
   */
  staged?: boolean;
}

/** The Bull queue of ingestion runs. One queue job per (job, run), so a rerun never collides with the old one. */
@Injectable()
export class JobQueue {
  constructor(
    @InjectQueue(JOBS_QUEUE) private readonly queue: Queue<ProcessJobData>,
    @Inject(jobsConfig.KEY) private readonly config: JobsConfig,
  ) {}

  static queueJobId(job: Pick<Job, 'id' | 'run'>): string {
    return `${job.id}.${job.run}`;
  }

  /** Queues a run; rejects when Redis does not take it within `JOBS_ENQUEUE_TIMEOUT_MS`. */
  async enqueue(job: Pick<Job, 'id' | 'run' | 'ownerId'>, options: { staged?: boolean } = {}): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the queue did not answer within ${this.config.enqueueTimeoutMs} ms`)),
        this.config.enqueueTimeoutMs,
      );
    });
    try {
      await Promise.race([
        this.queue.add(
          PROCESS_JOB,
          withRequestId({ jobId: job.id, run: job.run, userId: job.ownerId, ...options }),
          {
            jobId: JobQueue.queueJobId(job),
          },
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops a waiting run (a deleted job); a run already taken by a worker notices the deletion itself. */
  async remove(job: Pick<Job, 'id' | 'run'>): Promise<void> {
    const queued = await this.queue.getJob(JobQueue.queueJobId(job));
    if (queued && !(await queued.isActive())) await queued.remove();
  }

  /** Queue depths for `GET /api/v1/status`; a queue that does not answer within a second is reported as such. */
  async counts(): Promise<Record<string, number>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the jobs queue does not answer')), 1000);
    });
    try {
      return { ...(await Promise.race([this.queue.getJobCounts(), timeout])) };
    } finally {
      clearTimeout(timer);
    }
  }
}
