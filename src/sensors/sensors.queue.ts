import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { defineQueue } from '../common/queue/queue-definition.js';
import { QueueAdapter } from '../common/queue/queue-adapter.js';

export enum SensorsJob {
  RETENTION = 'retention',
}

export const SENSORS_QUEUE = defineQueue('sensors', SensorsJob);

/** Sensors' jobs go in here (the worker is `jobs/retention.processor.ts`). */
@Injectable()
export class SensorsQueue extends QueueAdapter<SensorsJob> {
  constructor(@InjectQueue(SENSORS_QUEUE.name) queue: Queue) {
    super(queue, SENSORS_QUEUE);
  }

  /**
   * Queues the daily storage run of `day` (partitions ahead, then retention when `SENSORS_RETENTION_DAYS` > 0); the
   * job id is the day, so every replica's tick queues it once. Returns the job id.
   */
  async enqueueRetention(day: Date): Promise<string | null> {
    return this.add(
      SensorsJob.RETENTION,
      {},
      { jobId: `sensors-retention-${day.toISOString().slice(0, 10)}` },
    );
  }
}
