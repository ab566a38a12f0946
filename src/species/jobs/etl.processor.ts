import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { OnJob, QueueWorker } from '../../common/queue/queue-worker.decorators.js';
import { EtlService } from '../services/etl.service.js';
import { EtlJobData, SPECIES_ETL_QUEUE, SpeciesJob } from '../species.queue.js';

/** Executes queued ETL runs; a cron job carries only the mode and gets its run created here. */
@QueueWorker(SPECIES_ETL_QUEUE)
export class EtlProcessor {
  private readonly logger = new Logger(EtlProcessor.name);

  constructor(private readonly etl: EtlService) {}

  @OnJob(SPECIES_ETL_QUEUE, SpeciesJob.ETL_RUN)
  async run(job: Job<EtlJobData>): Promise<{ runId: string; status: string }> {
    const runId =
      job.data.runId ?? (await this.etl.createRun({ mode: job.data.mode ?? 'incremental' }, 'cron')).id;
    const run = await this.etl.execute(runId, (progress) => void job.progress(progress.pages));
    this.logger.log(
      `ETL run ${run.id} ${run.status}: ${run.pages} pages, ${run.fetched} fetched, ${run.inserted} inserted, ${run.updated} updated, ${run.skipped} skipped`,
    );
    return { runId: run.id, status: run.status };
  }
}
