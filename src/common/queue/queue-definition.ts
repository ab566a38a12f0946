/**
 * A Bull queue and the names of its jobs. Each module declares its queue once, in `<module>.queue.ts`:
 *
 *   export enum ScansJob { RUN = 'run', SCHEDULE_TICK = 'schedule-tick' }
 *   export const SCANS_QUEUE = defineQueue('scans', ScansJob);
 *
 * The worker's handlers name their jobs through the same enum, and start-up refuses a worker that leaves a job name
 * without a handler (`QueueWorkersCheck`).
 */
export interface QueueDefinition<J extends string = string> {
  readonly name: string;
  readonly jobs: readonly J[];
}

const DEFINED = new Map<string, QueueDefinition>();

export function defineQueue<const E extends Record<string, string>>(
  name: string,
  jobs: E,
): QueueDefinition<E[keyof E]> {
  const definition: QueueDefinition<E[keyof E]> = { name, jobs: Object.values(jobs) as E[keyof E][] };
  if (DEFINED.has(name)) throw new Error(`Queue "${name}" is defined twice`);
  DEFINED.set(name, definition);
  return definition;
}

/** Every queue defined so far (the modules that were imported), for the start-up check. */
export function definedQueues(): QueueDefinition[] {
  return [...DEFINED.values()];
}

/**
 * Lock settings of a queue whose killed work must resume within seconds (Jobs' defaults, cloudcasting's): a dead
 * worker's lock lapses 10 s after its last renewal (every 5 s) and the stalled check runs every 5 s, so the job is
 * taken up again within about 15 s. Bull's defaults (30 s and 30 s) took up to a minute.
 */
export const QUICK_RECOVERY_LOCK = { lockDuration: 10_000, stalledInterval: 5_000 } as const;
