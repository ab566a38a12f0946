import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Readings that passed validation but that PostgreSQL refused for good (a character jsonb cannot hold, a limit of the
 * server, ...): set aside here with the reason, so one such reading never holds back the others nor is retried for
 * ever. The payload is kept as text, since it may be exactly what jsonb refused.
 */
export class SensorsDeadLetters1700000009000 implements MigrationInterface {
  name = 'SensorsDeadLetters1700000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "sensor_readings_rejected" (
      "id" bigserial PRIMARY KEY,
      "rejected_at" timestamptz NOT NULL DEFAULT now(),
      "sensor_id" text NOT NULL,
      "sensor_type" text NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "source_protocol" text NOT NULL,
      "payload" text NOT NULL,
      "reason" text NOT NULL,
      "sqlstate" text,
      "trace_id" text
    )`);
    await q.query(
      `CREATE INDEX "idx_sensor_readings_rejected_at" ON "sensor_readings_rejected" ("rejected_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sensor_readings_rejected"`);
  }
}
