import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Queue } from 'bull';
import { CronJob } from 'cron';
import { ETL_RUN_JOB, EtlJobData, scheduledJobId, SPECIES_ETL_QUEUE } from '../etl/etl.queue.js';
import { speciesConfig, type SpeciesConfig } from '../species.config.js';

/**
 * Scheduled OBIS loads (UTC): incremental monthly, full twice a year. A tick only enqueues; the worker creates and
 * records the run. Expressions come from config, hence registered at start-up rather than with `@Cron`.
 */
@Injectable()
export class EtlCrons implements OnApplicationBootstrap {
  private readonly logger = new Logger(EtlCrons.name);

  constructor(
    private readonly registry: SchedulerRegistry,
    @InjectQueue(SPECIES_ETL_QUEUE) private readonly queue: Queue<EtlJobData>,
    @Inject(speciesConfig.KEY) private readonly config: SpeciesConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.cron.enabled) return;
    for (const mode of ['incremental', 'full'] as const) {
      const job = CronJob.from({
        cronTime: this.config.cron[mode],
        onTick: () => void this.tick(mode, new Date()),
        timeZone: 'UTC',
      });
      this.registry.addCronJob(`species-etl-${mode}`, job);
      job.start();
    }
  }

  async tick(mode: 'incremental' | 'full', at: Date): Promise<void> {
    const jobId = scheduledJobId(mode, at);
    try {
      await this.queue.add(ETL_RUN_JOB, { mode }, { jobId, attempts: 1 });
      this.logger.log(`Queued scheduled ${mode} OBIS load ${jobId}`);
    } catch (error) {
      this.logger.error(`Could not queue ${jobId}: ${(error as Error).message}`);
    }
  }
}
