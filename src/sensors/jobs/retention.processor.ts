import { Process, Processor } from '@nestjs/bull';
import { Inject, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bull';
import { DataSource } from 'typeorm';
import { runWithRequestId, type WithRequestId } from '../../common/context/request-context.js';
import { sensorsConfig, type SensorsConfig } from '../sensors.config.js';

export const SENSORS_QUEUE = 'sensors';
export const RETENTION_JOB = 'retention';

export interface RetentionResult {
  cutoff: string | null;
  deleted: number;
  sensorsForgotten: number;
}

/**
 * Deletes readings older than `SENSORS_RETENTION_DAYS`, in bounded batches (short transactions, no long lock on
 * the hot table), then forgets sensors that have not reported since the cutoff.
 */
@Processor(SENSORS_QUEUE)
export class RetentionProcessor {
  private readonly logger = new Logger(RetentionProcessor.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {}

  @Process(RETENTION_JOB)
  handle(job: Job<WithRequestId>): Promise<RetentionResult> {
    return runWithRequestId(job.data.requestId, () => this.purge());
  }

  async purge(): Promise<RetentionResult> {
    const { days, batchRows } = this.config.retention;
    if (days <= 0) return { cutoff: null, deleted: 0, sensorsForgotten: 0 };
    const cutoff = new Date(Date.now() - days * 86400_000);
    let deleted = 0;
    for (;;) {
      const [, count] = (await this.db.query(
        `DELETE FROM sensor_readings WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM sensor_readings WHERE "timestamp" < $1 LIMIT $2))`,
        [cutoff, batchRows],
      )) as [unknown, number];
      deleted += count;
      if (count < batchRows) break;
    }
    const [, sensorsForgotten] = (await this.db.query(`DELETE FROM sensors WHERE last_timestamp < $1`, [
      cutoff,
    ])) as [unknown, number];
    this.logger.log(`Retention: deleted ${deleted} readings older than ${cutoff.toISOString()}`);
    return { cutoff: cutoff.toISOString(), deleted, sensorsForgotten };
  }
}
