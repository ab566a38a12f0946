import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bull';
import { ErrorReporter } from '../errors/error-reporter.js';
import { jobCorrelationId } from './queue-worker.decorators.js';
import { RegisteredQueues } from './registered-queues.js';

/**
 * Every failed job attempt of the worker process (the HTTP app), whatever its queue: reported with the job's
 * correlation id (the one its log lines carry), the queue, job name and id and the attempt. One listener on each
 * queue's `failed` event, so no processor has to remember it; Bull emits it in the process that ran the job.
 */
@Injectable()
export class QueueFailureReporter implements OnModuleInit {
  constructor(
    private readonly queues: RegisteredQueues,
    private readonly reporter: ErrorReporter,
  ) {}

  /** At module init, not bootstrap: crons start ticking during bootstrap, and their first jobs may fail at once. */
  onModuleInit(): void {
    for (const { definition, queue } of this.queues.list())
      queue.on('failed', (job: Job, error: Error) => {
        const attempts = job.opts.attempts ?? 1;
        this.reporter.report(error, {
          context: 'bull',
          correlationId: jobCorrelationId(definition.name, job),
          tags: {
            queue: definition.name,
            job_name: job.name,
            job_id: String(job.id),
            attempt: `${job.attemptsMade}/${attempts}`,
          },
          message: `Job ${definition.name}/${job.name} ${String(job.id)} failed (attempt ${job.attemptsMade} of ${attempts}): ${error.message}`,
        });
      });
  }
}
