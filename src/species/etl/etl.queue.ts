/** The Bull queue of ETL runs and its job. */
export const SPECIES_ETL_QUEUE = 'species-etl';
export const ETL_RUN_JOB = 'run';

/** A job either executes an existing run (API, resume) or creates one first (cron ticks). */
export interface EtlJobData {
  runId?: string;
  mode?: 'incremental' | 'full';
}

/**
 * The job id of a scheduled run: the same on every replica for the same tick (to the hour, so clock skew between
 * replicas does not matter), so Bull keeps only one job.
 */
export function scheduledJobId(mode: 'incremental' | 'full', tick: Date): string {
  return `species-etl-${mode}-${tick.toISOString().slice(0, 13)}`;
}
