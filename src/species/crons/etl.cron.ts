import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CronScheduler } from '../../common/schedule/cron-scheduler.js';
import type { EtlMode } from '../entities/etl-run.entity.js';
import { speciesConfig, type SpeciesConfig } from '../species.config.js';
import { SpeciesQueue } from '../species.queue.js';

const MODES: readonly EtlMode[] = ['incremental', 'full'];

/**
 * Scheduled OBIS loads (UTC): incremental monthly, full twice a year, at the expressions of config. A tick only
 * enqueues (one job per mode and hour across replicas); the worker creates and records the run.
 */
@Injectable()
export class EtlCron implements OnApplicationBootstrap {
  private readonly logger = new Logger(EtlCron.name);

  constructor(
    private readonly crons: CronScheduler,
    private readonly queue: SpeciesQueue,
    @Inject(speciesConfig.KEY) private readonly config: SpeciesConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.cron.enabled) return;
    for (const mode of MODES)
      this.crons.schedule({ name: `species-etl-${mode}`, expression: this.config.cron[mode] }, (at) =>
        this.tick(mode, at),
      );
  }

  /** One tick of the `mode` schedule at `at`. */
  async tick(mode: EtlMode, at: Date): Promise<void> {
    const jobId = await this.queue.enqueueScheduled(mode, at);
    this.logger.log(`Queued scheduled ${mode} OBIS load ${jobId}`);
  }
}
