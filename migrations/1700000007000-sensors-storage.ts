import { MigrationInterface, QueryRunner } from 'typeorm';

/** Days of partitions created ahead of today (the retention job and the app's start-up keep this many). */
const AHEAD_DAYS = 7;
/** The oldest day that gets its own partition when converting: older rows go to the DEFAULT partition. */
const MAX_BACK_DAYS = 366;

/**
 * Storage that scales past one table (issue 12):
 *
 * - `sensor_readings` becomes a table partitioned by RANGE ("timestamp"), one partition per UTC day
 *   (`sensor_readings_p20261204`), plus `sensor_readings_default` for rows outside every partition (a device's clock far
 *   off). The primary key (sensor_id, "timestamp", sensor_type) includes the partition key, so `ON CONFLICT DO
 *   NOTHING` still stores a redelivered reading once.
 * - `sensor_readings_add_partition(day)` creates a day's partition, moving that day's rows out of DEFAULT in the same
 *   transaction (otherwise PostgreSQL refuses the new partition). The retention job and the app's start-up call it.
 * - Rollups `sensor_readings_1m` and `sensor_readings_1h` (count, sum, min, max per sensor, type and bucket), kept up
 *   to date by the same statement that inserts the raw rows (`ReadingsRepository.insertBatch`), backfilled here.
 * - `trace_id`: the correlation id of the message that carried the reading.
 *
 * The conversion copies every row (rename the old table, create the partitioned one, copy, drop the old), in the
 * migration's transaction: nothing is lost, and on failure nothing changes. It holds the old table locked while it
 * copies (not measured at scale: time it on a copy first) - run it in a maintenance window on a large table.
 */
export class SensorsStorage1700000007000 implements MigrationInterface {
  name = 'SensorsStorage1700000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sensor_readings" RENAME TO "sensor_readings_unpartitioned"`);
    await q.query(
      `ALTER TABLE "sensor_readings_unpartitioned" RENAME CONSTRAINT "PK_sensor_readings" TO "PK_sensor_readings_unpartitioned"`,
    );
    await q.query(
      `ALTER INDEX "IDX_sensor_readings_timestamp" RENAME TO "IDX_sensor_readings_unpartitioned_ts"`,
    );
    await q.query(
      `ALTER INDEX "IDX_sensor_readings_anomalies" RENAME TO "IDX_sensor_readings_unpartitioned_an"`,
    );

    await q.query(`CREATE TABLE "sensor_readings" (
      "timestamp" timestamptz NOT NULL,
      "sensor_type" text NOT NULL,
      "sensor_id" text NOT NULL,
      "value" double precision NOT NULL,
      "unit" text,
      "origin" text NOT NULL DEFAULT 'unknown',
      "source_protocol" text NOT NULL DEFAULT 'mqtt',
      "anomaly" boolean NOT NULL DEFAULT false,
      "reported_anomaly" boolean,
      "anomaly_message" text,
      "raw" jsonb NOT NULL DEFAULT '{}',
      "stored_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
      "trace_id" text,
      CONSTRAINT "PK_sensor_readings" PRIMARY KEY ("sensor_id", "timestamp", "sensor_type"),
      CONSTRAINT "CHK_sensor_readings_origin" CHECK ("origin" IN ('edge', 'fog', 'cloud', 'unknown')),
      CONSTRAINT "CHK_sensor_readings_protocol" CHECK ("source_protocol" IN ('mqtt', 'http', 'coap'))
    ) PARTITION BY RANGE ("timestamp")`);
    // Same indexes as before, now per partition: time windows over all sensors (stats, weather) and the anomalies
    // list. The primary key serves a sensor's history.
    await q.query(
      `CREATE INDEX "IDX_sensor_readings_timestamp" ON "sensor_readings" USING brin ("timestamp") WITH (pages_per_range = 32)`,
    );
    await q.query(
      `CREATE INDEX "IDX_sensor_readings_anomalies" ON "sensor_readings" ("timestamp" DESC) WHERE "anomaly"`,
    );
    await q.query(`CREATE TABLE "sensor_readings_default" PARTITION OF "sensor_readings" DEFAULT`);

    // A day's partition; the day's rows in DEFAULT (if any) move into it in the caller's transaction. Returns false
    // when it existed already. Bounds are UTC midnights.
    await q.query(`CREATE FUNCTION sensor_readings_add_partition(day date) RETURNS boolean LANGUAGE plpgsql AS $fn$
      DECLARE
        part text := 'sensor_readings_p' || to_char(day, 'YYYYMMDD');
        lo timestamptz := (day::timestamp AT TIME ZONE 'UTC');
        hi timestamptz := ((day + 1)::timestamp AT TIME ZONE 'UTC');
      BEGIN
        IF to_regclass(format('public.%I', part)) IS NOT NULL THEN RETURN false; END IF;
        IF NOT EXISTS (SELECT 1 FROM sensor_readings_default WHERE "timestamp" >= lo AND "timestamp" < hi) THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF sensor_readings FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
          RETURN true;
        END IF;
        EXECUTE format('CREATE TABLE %I (LIKE sensor_readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
        EXECUTE format(
          'WITH moved AS (DELETE FROM sensor_readings_default WHERE "timestamp" >= %L AND "timestamp" < %L RETURNING *)
           INSERT INTO %I SELECT * FROM moved', lo, hi, part);
        EXECUTE format('ALTER TABLE sensor_readings ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        RETURN true;
      END
    $fn$`);

    // A partition for every day that has rows (back to MAX_BACK_DAYS), and for today and the days ahead.
    await q.query(
      `SELECT sensor_readings_add_partition(day) FROM (
         SELECT DISTINCT ("timestamp" AT TIME ZONE 'UTC')::date AS day FROM sensor_readings_unpartitioned
          WHERE "timestamp" >= now() - interval '${MAX_BACK_DAYS} days'
            AND "timestamp" < now() + interval '${AHEAD_DAYS + 1} days'
         UNION
         SELECT generate_series(now() AT TIME ZONE 'UTC', (now() AT TIME ZONE 'UTC') + interval '${AHEAD_DAYS} days',
                                interval '1 day')::date
       ) days ORDER BY day`,
    );
    await q.query(`INSERT INTO "sensor_readings"
        ("timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly,
         anomaly_message, raw, stored_at)
      SELECT "timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly,
             anomaly_message, raw, stored_at
        FROM "sensor_readings_unpartitioned"`);
    await q.query(`DROP TABLE "sensor_readings_unpartitioned"`);

    // Rollups: one row per sensor, type and bucket (UTC, aligned like date_bin from 2000-01-01). Rewritten by every
    // batch of the current bucket: no index on the updated columns and room on each page keep the updates HOT. The
    // BRIN index serves the retention sweep (rows arrive roughly in time order).
    for (const [table, interval] of [
      ['sensor_readings_1m', '1 minute'],
      ['sensor_readings_1h', '1 hour'],
    ]) {
      await q.query(`CREATE TABLE "${table}" (
        "sensor_id" text NOT NULL,
        "sensor_type" text NOT NULL,
        "bucket_start" timestamptz NOT NULL,
        "count" integer NOT NULL,
        "sum" double precision NOT NULL,
        "min" double precision NOT NULL,
        "max" double precision NOT NULL,
        CONSTRAINT "PK_${table}" PRIMARY KEY ("sensor_id", "sensor_type", "bucket_start")
      ) WITH (fillfactor = 70)`);
      await q.query(
        `CREATE INDEX "IDX_${table}_bucket" ON "${table}" USING brin ("bucket_start") WITH (pages_per_range = 32)`,
      );
      await q.query(`INSERT INTO "${table}" (sensor_id, sensor_type, bucket_start, count, sum, min, max)
        SELECT sensor_id, sensor_type, date_bin('${interval}', "timestamp", TIMESTAMPTZ '2000-01-01 00:00:00+00'),
               count(*), sum(value), min(value), max(value)
          FROM sensor_readings GROUP BY 1, 2, 3`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sensor_readings_1h"`);
    await q.query(`DROP TABLE "sensor_readings_1m"`);
    await q.query(`CREATE TABLE "sensor_readings_unpartitioned" (
      "timestamp" timestamptz NOT NULL,
      "sensor_type" text NOT NULL,
      "sensor_id" text NOT NULL,
      "value" double precision NOT NULL,
      "unit" text,
      "origin" text NOT NULL DEFAULT 'unknown',
      "source_protocol" text NOT NULL DEFAULT 'mqtt',
      "anomaly" boolean NOT NULL DEFAULT false,
      "reported_anomaly" boolean,
      "anomaly_message" text,
      "raw" jsonb NOT NULL DEFAULT '{}',
      "stored_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT "PK_sensor_readings_unpartitioned" PRIMARY KEY ("sensor_id", "timestamp", "sensor_type"),
      CONSTRAINT "CHK_sensor_readings_origin" CHECK ("origin" IN ('edge', 'fog', 'cloud', 'unknown')),
      CONSTRAINT "CHK_sensor_readings_protocol" CHECK ("source_protocol" IN ('mqtt', 'http', 'coap'))
    )`);
    await q.query(`INSERT INTO "sensor_readings_unpartitioned"
        ("timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly,
         anomaly_message, raw, stored_at)
      SELECT "timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly,
             anomaly_message, raw, stored_at
        FROM "sensor_readings"`);
    await q.query(`DROP TABLE "sensor_readings"`); // with every partition
    await q.query(`DROP FUNCTION sensor_readings_add_partition(date)`);
    await q.query(`ALTER TABLE "sensor_readings_unpartitioned" RENAME TO "sensor_readings"`);
    await q.query(
      `ALTER TABLE "sensor_readings" RENAME CONSTRAINT "PK_sensor_readings_unpartitioned" TO "PK_sensor_readings"`,
    );
    await q.query(
      `CREATE INDEX "IDX_sensor_readings_timestamp" ON "sensor_readings" USING brin ("timestamp") WITH (pages_per_range = 32)`,
    );
    await q.query(
      `CREATE INDEX "IDX_sensor_readings_anomalies" ON "sensor_readings" ("timestamp" DESC) WHERE "anomaly"`,
    );
  }
}
