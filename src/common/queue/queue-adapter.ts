import type { JobOptions, Queue } from 'bull';
import { withRequestId, type WithRequestId } from '../context/request-context.js';
import type { QueueDefinition } from './queue-definition.js';

/**
 * The base of each module's queue adapter (`<module>.queue.ts`): jobs go in with the caller's correlation id and
 * the id the caller computed (deterministic ids make a job queued by several replicas, or twice, one job), and a
 * queue that does not answer is an error within a bound instead of a hung request.
 */
export abstract class QueueAdapter<J extends string, D extends object = object> {
  protected constructor(
    protected readonly queue: Queue<D & WithRequestId>,
    readonly definition: QueueDefinition<J>,
  ) {}

  /** Adds a job; with `timeoutMs`, rejects when Redis does not take it in time. */
  protected async add(
    job: J,
    data: D,
    options: JobOptions & { jobId: string },
    timeoutMs?: number,
  ): Promise<string> {
    const added = this.queue.add(job, withRequestId(data), options);
    await (timeoutMs === undefined ? added : within(added, timeoutMs, `the ${this.definition.name} queue`));
    return options.jobId;
  }

  /** Queue depths for `GET /api/v1/status`. */
  counts(): Promise<Record<string, number>> {
    return jobCounts(this.queue, this.definition.name);
  }
}

/** A queue's jobs by state; a queue that does not answer within a second is an error naming it. */
export async function jobCounts(queue: Queue, name: string): Promise<Record<string, number>> {
  return { ...(await within(queue.getJobCounts(), 1000, `the ${name} queue`)) };
}

/** `promise`, or a rejection naming `what` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
