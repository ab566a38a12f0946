import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { defineQueue } from '../common/queue/queue-definition.js';
import { QueueAdapter } from '../common/queue/queue-adapter.js';
import type { EtlMode } from './entities/etl-run.entity.js';

/** The jobs of the ETL queue. */
export enum SpeciesJob {
  ETL_RUN = 'run',
}

export const SPECIES_ETL_QUEUE = defineQueue('species-etl', SpeciesJob);

/** A job either executes an existing run (API, resume) or creates one first (cron ticks). */
export interface EtlJobData {
  runId?: string;
  mode?: EtlMode;
}

/**
 * The job id of a scheduled run: the same on every replica for the same tick (to the hour, so clock skew between
 * replicas does not matter), so Bull keeps only one job.
 */
export function scheduledJobId(mode: EtlMode, tick: Date): string {
  return `species-etl-${mode}-${tick.toISOString().slice(0, 13)}`;
}

/** Every ETL job goes in here; a run is tried once (a failed run is resumed from its cursor, not retried blind). */
@Injectable()
export class SpeciesQueue extends QueueAdapter<SpeciesJob, EtlJobData> {
  constructor(@InjectQueue(SPECIES_ETL_QUEUE.name) queue: Queue<EtlJobData>) {
    super(queue, SPECIES_ETL_QUEUE);
  }

  /** A run recorded by the API, to be executed by a worker. */
  enqueueRun(runId: string): Promise<string> {
    return this.add(SpeciesJob.ETL_RUN, { runId }, { jobId: `etl-run-${runId}`, attempts: 1 });
  }

  /** A failed or interrupted run queued again; `at` keeps the id of every resume distinct. */
  enqueueResume(runId: string, at = new Date()): Promise<string> {
    return this.add(
      SpeciesJob.ETL_RUN,
      { runId },
      { jobId: `etl-run-${runId}-resume-${at.getTime()}`, attempts: 1 },
    );
  }

  /** A cron tick's load: only the mode; the worker creates the run. */
  enqueueScheduled(mode: EtlMode, tick: Date): Promise<string> {
    return this.add(SpeciesJob.ETL_RUN, { mode }, { jobId: scheduledJobId(mode, tick), attempts: 1 });
  }
}
