import { MigrationInterface, QueryRunner } from 'typeorm';

/** Cloudcasting: one row per processed forecast. */
export class Cloudcasting1700000002000 implements MigrationInterface {
  name = 'Cloudcasting1700000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "cloudcasting_forecasts" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "set_id" text NOT NULL,
      "init_time" timestamptz,
      "source_last_modified" timestamptz NOT NULL,
      "source" text NOT NULL,
      "platform_name" text,
      "lon0" double precision NOT NULL,
      "channels" text[] NOT NULL,
      "steps_minutes" int[] NOT NULL,
      "layer_count" int NOT NULL,
      "width" int NOT NULL,
      "height" int NOT NULL,
      "resolution" double precision NOT NULL,
      "bbox" double precision[] NOT NULL,
      "download_bytes" bigint NOT NULL,
      "total_bytes" bigint NOT NULL,
      "download_ms" int NOT NULL,
      "convert_ms" int NOT NULL,
      "total_ms" int NOT NULL,
      "job_id" text,
      "processed_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_cloudcasting_forecasts" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_cloudcasting_forecasts_set_id" UNIQUE ("set_id")
    )`);
    await q.query(`COMMENT ON COLUMN "cloudcasting_forecasts"."bbox" IS 'west, south, east, north'`);
    // "Is the source newer than what we processed?" and the history list, newest first.
    await q.query(
      `CREATE INDEX "IDX_cloudcasting_forecasts_source_modified" ON "cloudcasting_forecasts" ("source_last_modified" DESC)`,
    );
    await q.query(
      `CREATE INDEX "IDX_cloudcasting_forecasts_processed_at" ON "cloudcasting_forecasts" ("processed_at" DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cloudcasting_forecasts"`);
  }
}
