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
    // Time windows over all sensors: stats, the retention sweep.
    await q.query(`CREATE INDEX "IDX_sensor_readings_timestamp" ON "sensor_readings" ("timestamp")`);
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
    )`);
    await q.query(`CREATE INDEX "IDX_sensors_last_timestamp" ON "sensors" ("last_timestamp" DESC)`);

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
