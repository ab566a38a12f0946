import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import type { Queue } from 'bull';
import { withRequestId } from '../../common/context/request-context.js';
import { RETENTION_JOB, SENSORS_QUEUE } from '../jobs/retention.processor.js';
import { sensorsConfig, type SensorsConfig } from '../sensors.config.js';

/** Daily at 03:15 UTC: only enqueues; the job id is the day, so several replicas enqueue it once. */
@Injectable()
export class RetentionCron {
  constructor(
    @InjectQueue(SENSORS_QUEUE) private readonly queue: Queue,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {}

  @Cron('15 3 * * *', { name: 'sensors-retention', timeZone: 'UTC' })
  async tick(): Promise<void> {
    await this.enqueue(new Date());
  }

  /** Returns the job id, or null when retention is off. */
  async enqueue(now: Date): Promise<string | null> {
    if (this.config.retention.days <= 0) return null;
    const jobId = `sensors-retention-${now.toISOString().slice(0, 10)}`;
    await this.queue.add(RETENTION_JOB, withRequestId({}), { jobId });
    return jobId;
  }
}
