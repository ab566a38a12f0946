/** The Bull queue of ETL runs and its job. */
export const SPECIES_ETL_QUEUE = 'species-etl';
export const ETL_RUN_JOB = 'run';

/** A job either executes an existing run (API, resume) or creates one first (cron ticks). */
export interface EtlJobData {
  runId?: string;
  mode?: 'incremental' | 'full';
}
