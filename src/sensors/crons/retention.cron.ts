import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CronScheduler } from '../../common/schedule/cron-scheduler.js';
import { SensorsQueue } from '../sensors.queue.js';

/** Daily at 03:15 UTC: only enqueues the retention sweep (its job id is the day). */
@Injectable()
export class RetentionCron implements OnApplicationBootstrap {
  constructor(
    private readonly crons: CronScheduler,
    private readonly queue: SensorsQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.crons.schedule({ name: 'sensors-retention', expression: '15 3 * * *', timeZone: 'UTC' }, (at) =>
      this.queue.enqueueRetention(at),
    );
  }
}
