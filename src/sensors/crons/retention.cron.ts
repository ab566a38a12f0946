import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CronScheduler } from '../../common/schedule/cron-scheduler.js';
import { SensorsQueue } from '../sensors.queue.js';
import { RetentionService } from '../services/retention.service.js';

/**
 * Daily at 03:15 UTC: only enqueues the storage run (partitions ahead, retention; its job id is the day). At start-up
 * the app makes sure the partitions of yesterday to a week ahead exist, so readings never wait for the first run in
 * the DEFAULT partition.
 */
@Injectable()
export class RetentionCron implements OnApplicationBootstrap {
  constructor(
    private readonly crons: CronScheduler,
    private readonly queue: SensorsQueue,
    private readonly retention: RetentionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.retention.ensurePartitions();
    this.crons.schedule({ name: 'sensors-retention', expression: '15 3 * * *', timeZone: 'UTC' }, (at) =>
      this.queue.enqueueRetention(at),
    );
  }
}
