import { MigrationInterface, QueryRunner } from 'typeorm';

/** The Species module: curated OBIS observations, users' sightings, ETL runs and the WoRMS name cache. */
export class Species1700000003000 implements MigrationInterface {
  name = 'Species1700000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS postgis`);
    await q.query(`CREATE TYPE "species_sex" AS ENUM ('male', 'female', 'unknown')`);
    await q.query(`CREATE TABLE "curated_observations" (
      "id" bigint GENERATED ALWAYS AS IDENTITY,
      "obis_id" text NOT NULL,
      "species_name" text NOT NULL,
      "common_name" text,
      "aphia_id" integer,
      "observation_date" date,
      "observation_datetime" timestamptz,
      "location" geography(Point, 4326) NOT NULL,
      "location_name" text,
      "basis_of_record" text,
      "depth_min" double precision,
      "depth_max" double precision,
      "bathymetry" double precision,
      "temperature" double precision,
      "sex" "species_sex",
      "dataset_name" text,
      "source" text NOT NULL DEFAULT 'OBIS',
      "raw" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_curated_observations" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_curated_observations_obis_id" UNIQUE ("obis_id")
    )`);
    await q.query(
      `CREATE INDEX "IDX_curated_observations_location" ON "curated_observations" USING GIST ("location")`,
    );
    // Bounding boxes are planar lon/lat rectangles, which a geography index (great-circle edges) cannot answer exactly.
    await q.query(
      `CREATE INDEX "IDX_curated_observations_location_geom" ON "curated_observations" USING GIST (("location"::geometry))`,
    );
    await q.query(
      `CREATE INDEX "IDX_curated_observations_species_lower" ON "curated_observations" (lower("species_name") text_pattern_ops)`,
    );
    await q.query(`CREATE INDEX "IDX_curated_observations_aphia" ON "curated_observations" ("aphia_id")`);
    await q.query(
      `CREATE INDEX "IDX_curated_observations_date" ON "curated_observations" ("observation_date")`,
    );

    await q.query(`CREATE TYPE "observation_validation" AS ENUM ('pending', 'validated', 'rejected')`);
    await q.query(`CREATE TABLE "observations" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "owner_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "species_name" text NOT NULL,
      "common_name" text,
      "location" geography(Point, 4326) NOT NULL,
      "observation_datetime" timestamptz NOT NULL,
      "location_name" text NOT NULL,
      "depth_min" double precision,
      "depth_max" double precision,
      "bathymetry" double precision,
      "temperature" double precision,
      "visibility" double precision,
      "notes" text,
      "sex" "species_sex",
      "image_path" text,
      "image_type" text,
      "validated" "observation_validation" NOT NULL DEFAULT 'pending',
      "source" text NOT NULL DEFAULT 'user',
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_observations" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE INDEX "IDX_observations_location" ON "observations" USING GIST ("location")`);
    await q.query(`CREATE INDEX "IDX_observations_owner" ON "observations" ("owner_id", "created_at" DESC)`);

    await q.query(`CREATE TYPE "etl_run_status" AS ENUM ('queued', 'running', 'succeeded', 'failed')`);
    await q.query(`CREATE TABLE "etl_runs" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "mode" text NOT NULL,
      "parameters" jsonb NOT NULL,
      "status" "etl_run_status" NOT NULL DEFAULT 'queued',
      "trigger" text NOT NULL,
      "pages" integer NOT NULL DEFAULT 0,
      "fetched" integer NOT NULL DEFAULT 0,
      "inserted" integer NOT NULL DEFAULT 0,
      "updated" integer NOT NULL DEFAULT 0,
      "skipped" integer NOT NULL DEFAULT 0,
      "errors" integer NOT NULL DEFAULT 0,
      "cursor" text,
      "last_error" text,
      "started_at" timestamptz,
      "finished_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_etl_runs" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_etl_runs_mode" CHECK ("mode" IN ('incremental', 'full'))
    )`);
    await q.query(`CREATE INDEX "IDX_etl_runs_created" ON "etl_runs" ("created_at" DESC)`);

    await q.query(`CREATE TABLE "worms_vernacular_cache" (
      "aphia_id" integer NOT NULL,
      "common_name" text,
      "fetched_at" timestamptz NOT NULL DEFAULT now(),
      "expires_at" timestamptz NOT NULL,
      CONSTRAINT "PK_worms_vernacular_cache" PRIMARY KEY ("aphia_id")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "worms_vernacular_cache"`);
    await q.query(`DROP TABLE "etl_runs"`);
    await q.query(`DROP TYPE "etl_run_status"`);
    await q.query(`DROP TABLE "observations"`);
    await q.query(`DROP TYPE "observation_validation"`);
    await q.query(`DROP TABLE "curated_observations"`);
    await q.query(`DROP TYPE "species_sex"`);
  }
}
