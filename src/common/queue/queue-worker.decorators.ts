import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { runWithRequestId, type WithRequestId } from '../context/request-context.js';
import type { QueueDefinition } from './queue-definition.js';

const WORKER_QUEUE = Symbol('terrawatch:queue-worker');
const JOB_HANDLERS = Symbol('terrawatch:job-handlers');

export interface JobHandlerMetadata {
  queue: string;
  job: string;
  method: string;
}

/** A class whose `@OnJob` methods process the jobs of `queue` (Bull's `@Processor`, known to the start-up check). */
export function QueueWorker(queue: QueueDefinition): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(WORKER_QUEUE, queue, target);
    Processor(queue.name)(target);
  };
}

/**
 * Handles one job name of the worker's queue (Bull's `@Process`). The handler runs inside the job's correlation id:
 * the id of the request that queued it (`withRequestId`), else one made of the queue and the job id, so every log
 * line of a job can be traced back.
 */
export function OnJob<J extends string>(
  queue: QueueDefinition<J>,
  job: J,
  options: { concurrency?: number } = {},
): MethodDecorator {
  return (target, key, descriptor: PropertyDescriptor) => {
    const handler = descriptor.value as (job: Job<WithRequestId>) => unknown;
    descriptor.value = function (this: unknown, queued: Job<WithRequestId>) {
      return runWithRequestId(jobCorrelationId(queue.name, queued), () => handler.call(this, queued));
    };
    Object.defineProperty(descriptor.value, 'name', { value: handler.name });
    const handlers: JobHandlerMetadata[] = Reflect.getMetadata(JOB_HANDLERS, target.constructor) ?? [];
    Reflect.defineMetadata(
      JOB_HANDLERS,
      [...handlers, { queue: queue.name, job, method: String(key) }],
      target.constructor,
    );
    Process({ name: job, ...options })(target, key, descriptor);
    return descriptor;
  };
}

/** The correlation id a job runs in: the enqueuer's (`withRequestId`), else `<queue>:<job id>`. */
export function jobCorrelationId(queue: string, job: Job<WithRequestId>): string {
  return job.data?.requestId ?? `${queue}:${String(job.id)}`;
}

export function workerQueueOf(type: unknown): QueueDefinition | undefined {
  return typeof type === 'function' ? Reflect.getMetadata(WORKER_QUEUE, type) : undefined;
}

export function jobHandlersOf(type: unknown): JobHandlerMetadata[] {
  return typeof type === 'function' ? (Reflect.getMetadata(JOB_HANDLERS, type) ?? []) : [];
}
