import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { defineQueue } from '../common/queue/queue-definition.js';
import { QueueAdapter } from '../common/queue/queue-adapter.js';
import { sensorsConfig, type SensorsConfig } from './sensors.config.js';

export enum SensorsJob {
  RETENTION = 'retention',
}

export const SENSORS_QUEUE = defineQueue('sensors', SensorsJob);

/** Sensors' jobs go in here (the worker is `jobs/retention.processor.ts`). */
@Injectable()
export class SensorsQueue extends QueueAdapter<SensorsJob> {
  constructor(
    @InjectQueue(SENSORS_QUEUE.name) queue: Queue,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {
    super(queue, SENSORS_QUEUE);
  }

  /**
   * Queues the retention sweep of `day`; the job id is the day, so every replica's tick queues it once. Returns
   * the job id, or null when retention is off (`SENSORS_RETENTION_DAYS=0`).
   */
  async enqueueRetention(day: Date): Promise<string | null> {
    if (this.config.retention.days <= 0) return null;
    return this.add(
      SensorsJob.RETENTION,
      {},
      { jobId: `sensors-retention-${day.toISOString().slice(0, 10)}` },
    );
  }
}
