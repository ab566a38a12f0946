import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bull';
import { jobCounts } from '../common/queue/queue-adapter.js';
import { RegisteredQueues } from '../common/queue/registered-queues.js';
import { MetricsService } from './metrics.service.js';

/** The states a queue's depth is reported in; completed jobs are history, not depth. */
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Every Bull queue of the process, without knowing the modules: depths read at scrape time the way
 * `GET /api/v1/status` reads them, and the failed attempts of the jobs this process runs.
 */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queues: RegisteredQueues,
  ) {}

  onApplicationBootstrap(): void {
    const registered = this.queues.list();
    this.metrics.gaugeOf(
      {
        name: 'terrawatch_queue_jobs',
        help: 'Jobs in a Bull queue by state (waiting, active, delayed, failed), shared by every replica',
        labelNames: ['queue', 'state'],
      },
      async () => {
        // A queue that does not answer (Redis down) has no sample this time; the others still do.
        const counts = await Promise.all(
          registered.map(({ definition, queue }) => jobCounts(queue, definition.name).catch(() => undefined)),
        );
        return registered.flatMap(({ definition }, i) => {
          const count = counts[i];
          return count
            ? STATES.map((state) => [{ queue: definition.name, state }, count[state] ?? 0] as const)
            : [];
        });
      },
    );
    const failures = this.metrics.counter({
      name: 'terrawatch_queue_job_failures_total',
      help: 'Job attempts that failed in this process, by queue and job name (each failed retry counts)',
      labelNames: ['queue', 'job'],
    });
    for (const { definition, queue } of registered)
      queue.on('failed', (job: Job) => failures.inc({ queue: definition.name, job: job.name }));
  }
}
