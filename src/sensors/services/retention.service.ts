import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sensorsConfig, type SensorsConfig } from '../sensors.config.js';

export interface RetentionResult {
  cutoff: string | null;
  deleted: number;
  sensorsForgotten: number;
}

/**
 * Deletes readings older than `SENSORS_RETENTION_DAYS`, in bounded batches (short transactions, no long lock on
 * the hot table), then forgets sensors that have not reported since the cutoff. Off when the setting is 0.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {}

  async purge(now = new Date()): Promise<RetentionResult> {
    const { days, batchRows } = this.config.retention;
    if (days <= 0) return { cutoff: null, deleted: 0, sensorsForgotten: 0 };
    const cutoff = new Date(now.getTime() - days * 86400_000);
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
