import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CronScheduler } from '../../common/schedule/cron-scheduler.js';
import { scansConfig, type ScansConfig } from '../scans.config.js';
import { ScansQueue } from '../scans.queue.js';

/** Every hour, on every replica: enqueue that hour's tick. Its job id is the hour, so it runs once overall. */
@Injectable()
export class ScheduledScansCron implements OnApplicationBootstrap {
  constructor(
    private readonly crons: CronScheduler,
    private readonly queue: ScansQueue,
    @Inject(scansConfig.KEY) private readonly config: ScansConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled) return;
    this.crons.schedule({ name: 'scans:schedule-tick', expression: '0 * * * *' }, (at) =>
      this.queue.enqueueTick(at),
    );
  }
}
