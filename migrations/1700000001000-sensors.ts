import { MigrationInterface, QueryRunner } from 'typeorm';

/** The Sensors module: readings (the hot table), the per-sensor registry with its latest reading, thresholds. */
export class Sensors1700000001000 implements MigrationInterface {
  name = 'Sensors1700000001000';

  async up(q: QueryRunner): Promise<void> {
    // The primary key is the uniqueness rule (a redelivered message is stored once) and, sensor first then time,
    // the index of the history queries. `stored_at` (commit-side clock) gives the ingest lag.
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
      CONSTRAINT "PK_sensor_readings" PRIMARY KEY ("sensor_id", "timestamp", "sensor_type"),
      CONSTRAINT "CHK_sensor_readings_origin" CHECK ("origin" IN ('edge', 'fog', 'cloud', 'unknown')),
      CONSTRAINT "CHK_sensor_readings_protocol" CHECK ("source_protocol" IN ('mqtt', 'http', 'coap'))
    )`);
    // Time windows over all sensors (stats, the retention sweep). Readings arrive roughly in time order, so a BRIN
    // index answers these ranges at a fraction of a B-tree's cost on every insert.
    await q.query(
      `CREATE INDEX "IDX_sensor_readings_timestamp" ON "sensor_readings" USING brin ("timestamp") WITH (pages_per_range = 32)`,
    );
    // The anomalies list reads only the few anomalous rows, newest first.
    await q.query(
      `CREATE INDEX "IDX_sensor_readings_anomalies" ON "sensor_readings" ("timestamp" DESC) WHERE "anomaly"`,
    );

    await q.query(`CREATE TABLE "sensors" (
      "sensor_id" text NOT NULL,
      "sensor_type" text NOT NULL,
      "last_timestamp" timestamptz NOT NULL,
      "last_value" double precision NOT NULL,
      "unit" text,
      "origin" text NOT NULL,
      "source_protocol" text NOT NULL,
      "anomaly" boolean NOT NULL,
      "first_seen_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_sensors" PRIMARY KEY ("sensor_id", "sensor_type")
    ) WITH (fillfactor = 50)`);
    // Rewritten by every batch: no index on the updated columns and free room on each page keep the updates HOT
    // (no index churn). "Latest" sorts this small table (one row per sensor) directly.

    await q.query(`CREATE TABLE "sensor_thresholds" (
      "scope" text NOT NULL,
      "subject" text NOT NULL,
      "min" double precision,
      "max" double precision,
      "jump" double precision,
      "updated_by" uuid,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_sensor_thresholds" PRIMARY KEY ("scope", "subject"),
      CONSTRAINT "CHK_sensor_thresholds_scope" CHECK ("scope" IN ('type', 'sensor')),
      CONSTRAINT "CHK_sensor_thresholds_range" CHECK ("min" IS NULL OR "max" IS NULL OR "min" <= "max"),
      CONSTRAINT "CHK_sensor_thresholds_jump" CHECK ("jump" IS NULL OR "jump" > 0)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sensor_thresholds"`);
    await q.query(`DROP TABLE "sensors"`);
    await q.query(`DROP TABLE "sensor_readings"`);
  }
}
