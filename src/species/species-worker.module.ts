import { Module } from '@nestjs/common';
import { EtlCrons } from './crons/etl.crons.js';
import { EtlProcessor } from './jobs/etl.processor.js';
import { SpeciesModule } from './species.module.js';

/** The ETL queue worker and the cron ticks: loaded by the HTTP app only, so a CLI command never takes queued jobs. */
@Module({
  imports: [SpeciesModule],
  providers: [EtlProcessor, EtlCrons],
})
export class SpeciesWorkerModule {}
