import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { sensorsConfig, type SensorsConfig } from '../sensors.config.js';

export interface RetentionResult {
  cutoff: string | null;
  deleted: number;
  sensorsForgotten: number;
  partitionsCreated: string[];
  partitionsDropped: string[];
  rollupRowsDeleted: number;
}

/** Days of daily partitions kept ready ahead of today (and one behind, for readings late across midnight). */
export const PARTITIONS_AHEAD_DAYS = 7;
/** One maintenance run at a time over all replicas (pg_advisory_lock key: "sensors storage"). */
const STORAGE_LOCK = 7_312_001;
/** Partition DDL waits at most this long for its locks (a long query on the table): it is retried on the next run. */
const DDL_LOCK_TIMEOUT = '10s';
const PARTITION_NAME = /^sensor_readings_p(\d{4})(\d{2})(\d{2})$/;

const DAY_MS = 86400_000;
const utcDay = (t: number) => new Date(Math.floor(t / DAY_MS) * DAY_MS);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The storage of `sensor_readings`, one day per partition (migration 1700000007000):
 *
 * - `ensurePartitions` creates yesterday's to today + 7 days' partitions (at the app's start-up and in every
 *   retention run), moving any rows of those days out of the DEFAULT partition (`sensor_readings_add_partition`).
 * - `purge` then applies `SENSORS_RETENTION_DAYS`: whole partitions older than the cutoff are detached and dropped;
 *   older rows in the DEFAULT partition and in the day that holds the cutoff are deleted in bounded batches; the
 *   1-minute rollups older than the cutoff, the hourly ones older than `SENSORS_ROLLUP_RETENTION_DAYS` (0: kept);
 *   sensors silent since the cutoff are forgotten.
 *
 * Both run under one advisory lock, so replicas running the job together take turns (the second finds nothing left).
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {}

  /**
   * The days' partitions around `now`; returns the ones it created. Does not wait (start-up): when another replica
   * holds the lock, that one is creating them.
   */
  async ensurePartitions(now = new Date()): Promise<string[]> {
    return (await this.locked((q) => this.createPartitions(q, now), false)) ?? [];
  }

  async purge(now = new Date()): Promise<RetentionResult> {
    return this.lockedWait(async (q) => {
      const partitionsCreated = await this.createPartitions(q, now);
      const { days, batchRows, rollupDays } = this.config.retention;
      if (days <= 0)
        return {
          cutoff: null,
          deleted: 0,
          sensorsForgotten: 0,
          partitionsCreated,
          partitionsDropped: [],
          rollupRowsDeleted: 0,
        };
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      let deleted = 0;
      const partitionsDropped: string[] = [];
      const remaining: string[] = [];
      for (const { name, day } of await this.partitions(q)) {
        if (day && day.getTime() + DAY_MS <= cutoff.getTime()) {
          try {
            deleted += await this.dropPartition(q, name);
            partitionsDropped.push(name);
          } catch (error) {
            this.logger.warn({ err: error }, `Partition ${name} not dropped (next run tries again)`);
          }
        } else if (!day || day.getTime() < cutoff.getTime()) remaining.push(name); // DEFAULT, the cutoff's day
      }
      // ctid is unique within one table only: delete per leaf (DEFAULT and the day holding the cutoff).
      for (const table of remaining)
        deleted += await this.deleteBefore(q, table, '"timestamp"', cutoff, batchRows);
      let rollupRowsDeleted = await this.deleteBefore(
        q,
        'sensor_readings_1m',
        'bucket_start',
        cutoff,
        batchRows,
      );
      if (rollupDays > 0) {
        const hourlyCutoff = new Date(now.getTime() - Math.max(rollupDays, days) * DAY_MS);
        rollupRowsDeleted += await this.deleteBefore(
          q,
          'sensor_readings_1h',
          'bucket_start',
          hourlyCutoff,
          batchRows,
        );
      }
      const [, sensorsForgotten] = (await q.query(`DELETE FROM sensors WHERE last_timestamp < $1`, [
        cutoff,
      ])) as [unknown, number];
      this.logger.log(
        `Retention: deleted ${deleted} readings older than ${cutoff.toISOString()} ` +
          `(${partitionsDropped.length} partitions dropped), ${rollupRowsDeleted} rollup rows`,
      );
      return {
        cutoff: cutoff.toISOString(),
        deleted,
        sensorsForgotten,
        partitionsCreated,
        partitionsDropped,
        rollupRowsDeleted,
      };
    });
  }

  private async lockedWait<T>(work: (q: QueryRunner) => Promise<T>): Promise<T> {
    return (await this.locked(work, true)) as T;
  }

  /** Runs `work` holding the storage lock; without `wait`, answers undefined when another session holds it. */
  private async locked<T>(work: (q: QueryRunner) => Promise<T>, wait: boolean): Promise<T | undefined> {
    const q = this.db.createQueryRunner();
    try {
      await q.connect();
      if (wait) await q.query(`SELECT pg_advisory_lock($1)`, [STORAGE_LOCK]);
      else {
        const [{ got }] = (await q.query(`SELECT pg_try_advisory_lock($1) AS got`, [STORAGE_LOCK])) as [
          { got: boolean },
        ];
        if (!got) return undefined;
      }
      try {
        return await work(q);
      } finally {
        await q.query(`SELECT pg_advisory_unlock($1)`, [STORAGE_LOCK]);
      }
    } finally {
      await q.release();
    }
  }

  private async createPartitions(q: QueryRunner, now: Date): Promise<string[]> {
    const created: string[] = [];
    const today = utcDay(now.getTime()).getTime();
    for (let d = -1; d <= PARTITIONS_AHEAD_DAYS; d++) {
      const day = isoDay(new Date(today + d * DAY_MS));
      try {
        const made = await this.ddl(q, async () => {
          const [{ made }] = (await q.query(`SELECT sensor_readings_add_partition($1::date) AS made`, [
            day,
          ])) as [{ made: boolean }];
          return made;
        });
        if (made) created.push(`sensor_readings_p${day.replaceAll('-', '')}`);
      } catch (error) {
        // Its rows wait in DEFAULT (stored and queried all the same); the next run tries again.
        this.logger.warn({ err: error }, `Partition for ${day} not created`);
      }
    }
    if (created.length) this.logger.log(`Created partitions ${created.join(', ')}`);
    return created;
  }

  private async partitions(q: QueryRunner): Promise<Array<{ name: string; day: Date | null }>> {
    const rows = (await q.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'sensor_readings'::regclass ORDER BY 1`,
    )) as Array<{ name: string }>;
    return rows.map(({ name }) => {
      const m = PARTITION_NAME.exec(name);
      return { name, day: m ? new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) : null };
    });
  }

  /** Detached first (a short lock on the parent), counted, then dropped: the count is exact. */
  private async dropPartition(q: QueryRunner, name: string): Promise<number> {
    await this.ddl(q, () => q.query(`ALTER TABLE sensor_readings DETACH PARTITION "${name}"`));
    const [{ n }] = (await q.query(`SELECT count(*)::int AS n FROM "${name}"`)) as [{ n: number }];
    await q.query(`DROP TABLE "${name}"`);
    return n;
  }

  /** Bounded batches: short transactions, no long lock on a table being written. */
  private async deleteBefore(
    q: QueryRunner,
    table: string,
    column: string,
    cutoff: Date,
    batchRows: number,
  ): Promise<number> {
    let deleted = 0;
    for (;;) {
      const [, count] = (await q.query(
        `DELETE FROM "${table}" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "${table}" WHERE ${column} < $1 LIMIT $2))`,
        [cutoff, batchRows],
      )) as [unknown, number];
      deleted += count;
      if (count < batchRows) return deleted;
    }
  }

  private async ddl<T>(q: QueryRunner, work: () => Promise<T>): Promise<T> {
    await q.startTransaction();
    try {
      await q.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
      const result = await work();
      await q.commitTransaction();
      return result;
    } catch (error) {
      await q.rollbackTransaction();
      throw error;
    }
  }
}
