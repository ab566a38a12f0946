import { OnQueueError, OnQueueFailed } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job as QueueJob } from 'bull';
import type { Histogram } from 'prom-client';
import { In, Repository } from 'typeorm';
import { OnJob, QueueWorker } from '../../common/queue/queue-worker.decorators.js';
import { readEnv } from '../../config/env.js';
import { MetricsService } from '../../metrics/index.js';
import { Job, JobStatus } from '../entities/job.entity.js';
import { JobsEnv } from '../jobs.config.js';
import { JOBS_QUEUE, JobsJob, JobsQueue, type ProcessJobData } from '../jobs.queue.js';
import { jobLogFields } from '../services/job-events.js';
import { JobRunner } from '../services/job-runner.service.js';

/** Decorators are evaluated at import time, so the worker's concurrency is read from the environment here. */
const CONCURRENCY = readEnv(JobsEnv, process.env).JOBS_CONCURRENCY;

/**
 * The ingestion worker. Bull holds a lock on each run while it is processed; when a process dies, the lock
 * expires and another worker (or the same app, restarted) takes the run again as a stalled job, and the runner
 * resumes where the committed batches stop.
 */
@QueueWorker(JOBS_QUEUE)
export class JobsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('JobsWorker');
  private readonly duration: Histogram<'status'>;

  constructor(
    private readonly runner: JobRunner,
    private readonly queue: JobsQueue,
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
    metrics: MetricsService,
  ) {
    this.duration = metrics.histogram({
      name: 'terrawatch_ingestion_run_duration_seconds',
      help: 'Runs of ingestion jobs, from the worker taking one to its outcome (COMPLETED, NEEDS_REVIEW, FAILED)',
      labelNames: ['status'],
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800],
    });
  }

  /** Runs inside the correlation id of the request that queued the run (`@OnJob`). */
  @OnJob(JOBS_QUEUE, JobsJob.PROCESS, { concurrency: CONCURRENCY })
  async process(queued: QueueJob<ProcessJobData>): Promise<void> {
    const finalAttempt = queued.attemptsMade + 1 >= (queued.opts.attempts ?? 1);
    const started = performance.now();
    // An attempt interrupted by a crash or an error that will be retried throws: only the attempt that ends counts.
    const status = await this.runner.run(queued.data, finalAttempt);
    if (status) this.duration.observe({ status }, (performance.now() - started) / 1000);
  }

  /** Bull gave up on a run (out of attempts, or stalled too often): the job must not stay PROCESSING. */
  @OnQueueFailed()
  async onFailed(queued: QueueJob<ProcessJobData>, error: Error): Promise<void> {
    const attempts = queued.opts.attempts ?? 1;
    if (queued.attemptsMade < attempts && !/stalled/i.test(error.message)) return;
    const { jobId, run, userId } = queued.data;
    await this.runner.fail({ id: jobId, run, ownerId: userId }, error.message);
  }

  @OnQueueError()
  onError(error: Error): void {
    this.logger.error({ err: error }, 'Jobs queue error');
  }

  /**
   * Jobs the database still shows as unfinished are queued again with their run's deterministic id: Bull ignores
   * the ones it still holds, and those it lost (Redis flushed or restored) start again.
   */
  onApplicationBootstrap(): void {
    // In the background: a queue that is down must not hold up the start of the HTTP server.
    void this.requeueUnfinished();
  }

  private async requeueUnfinished(): Promise<void> {
    const unfinished = await this.jobs.find({
      where: { status: In([JobStatus.PENDING, JobStatus.PROCESSING]) },
      take: 1000,
    });
    for (const job of unfinished) {
      await this.queue
        .enqueue(job)
        .catch((e: unknown) => this.logger.warn({ err: e, ...jobLogFields(job) }, 'Could not requeue a job'));
    }
    if (unfinished.length > 0)
      this.logger.log(`Checked ${unfinished.length} unfinished job(s) against the queue`);
  }
}
