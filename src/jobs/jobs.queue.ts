import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { QueueAdapter } from '../common/queue/queue-adapter.js';
import { defineQueue } from '../common/queue/queue-definition.js';
import type { Job } from './entities/job.entity.js';
import { jobsConfig, type JobsConfig } from './jobs.config.js';

export enum JobsJob {
  PROCESS = 'process',
}

export const JOBS_QUEUE = defineQueue('jobs', JobsJob);

export interface ProcessJobData {
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
export class JobsQueue extends QueueAdapter<JobsJob, ProcessJobData> {
  constructor(
    @InjectQueue(JOBS_QUEUE.name) queue: Queue<ProcessJobData>,
    @Inject(jobsConfig.KEY) private readonly config: JobsConfig,
  ) {
    super(queue, JOBS_QUEUE);
  }

  /** The queue job of a run: `<job id>.<run>`, so queueing a run twice (or from two replicas) queues it once. */
  static queueJobId(job: Pick<Job, 'id' | 'run'>): string {
    return `${job.id}.${job.run}`;
  }

  /** Queues a run; rejects when Redis does not take it within `JOBS_ENQUEUE_TIMEOUT_MS`. */
  async enqueue(job: Pick<Job, 'id' | 'run' | 'ownerId'>, options: { staged?: boolean } = {}): Promise<void> {
    await this.add(
      JobsJob.PROCESS,
      { jobId: job.id, run: job.run, userId: job.ownerId, ...options },
      { jobId: JobsQueue.queueJobId(job) },
      this.config.enqueueTimeoutMs,
    );
  }

  /** Drops a waiting run (a deleted job); a run already taken by a worker notices the deletion itself. */
  async remove(job: Pick<Job, 'id' | 'run'>): Promise<void> {
    const queued = await this.queue.getJob(JobsQueue.queueJobId(job));
    if (queued && !(await queued.isActive())) await queued.remove();
  }
}
