import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs at COPY speed, files people have, pgloader-like rejects and an OBIS full refresh that mirrors OBIS
 * (issue 15):
 * - `jobs.timings`: where a run's time went (stage, checks, load; ms), for the benchmark and the logs;
 * - `jobs.format` / `jobs.options`: what the upload was (csv, jsonl, xlsx; delimiter, compression, sheet) and the
 *   uploader's column mapping and type overrides, fixed at upload so a restarted run reads the file the same way;
 * - `jobs.partial_report`: true when JOBS_MAX_ISSUES stopped the recording of issues before the end of the file;
 * - `job_issues.line_number`: the physical line of the file where the rejected record starts (row numbers count
 *   data records; a quoted field may span lines);
 * - `staging` becomes UNLOGGED: it is a work area whose every row can be made again from the stored file, and
 *   its WAL was most of the database's cost of staging (the COPY wrote each row twice, heap and WAL). After a
 *   PostgreSQL crash (not an app restart) it is empty: a PROCESSING job stages its file again from the start; a
 *   job in review must be reprocessed. A permanent table cannot reference an unlogged one, so `job_issues` loses
 *   its foreign key to `staging` (the service already deletes a job's issues with its staged rows);
 * - `etl_run_records`: the obis_ids OBIS returned to each full Species ETL run (written with each page, so a
 *   resumed run has them all), so a completed full run can remove the curated records OBIS no longer returns for
 *   its query; `etl_runs.removed` counts them.
 */
export class JobsCopySpeed1700000013000 implements MigrationInterface {
  name = 'JobsCopySpeed1700000013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "jobs" ADD COLUMN "timings" jsonb`);
    await q.query(`ALTER TABLE "jobs" ADD COLUMN "format" text NOT NULL DEFAULT 'csv'`);
    await q.query(`ALTER TABLE "jobs" ADD COLUMN "options" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "jobs" ADD COLUMN "partial_report" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "staging" ADD COLUMN "line_number" integer`);
    await q.query(`ALTER TABLE "job_issues" DROP CONSTRAINT "job_issues_staging_id_fkey"`);
    await q.query(`ALTER TABLE "staging" SET UNLOGGED`);
    await q.query(`ALTER TABLE "job_issues" ADD COLUMN "line_number" integer`);
    await q.query(`CREATE TABLE "etl_run_records" (
      "run_id" uuid NOT NULL REFERENCES "etl_runs"("id") ON DELETE CASCADE,
      "obis_id" text NOT NULL,
      CONSTRAINT "PK_etl_run_records" PRIMARY KEY ("run_id", "obis_id")
    )`);
    await q.query(`CREATE INDEX "IDX_etl_run_records_obis_id" ON "etl_run_records" ("obis_id")`);
    await q.query(`ALTER TABLE "etl_runs" ADD COLUMN "removed" integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "etl_runs" DROP COLUMN "removed"`);
    await q.query(`DROP TABLE "etl_run_records"`);
    await q.query(`ALTER TABLE "job_issues" DROP COLUMN "line_number"`);
    await q.query(`ALTER TABLE "staging" SET LOGGED`);
    await q.query(
      `ALTER TABLE "job_issues" ADD CONSTRAINT "job_issues_staging_id_fkey" FOREIGN KEY ("staging_id") REFERENCES "staging"("id") ON DELETE CASCADE`,
    );
    await q.query(`ALTER TABLE "staging" DROP COLUMN "line_number"`);
    await q.query(`ALTER TABLE "jobs" DROP COLUMN "partial_report"`);
    await q.query(`ALTER TABLE "jobs" DROP COLUMN "options"`);
    await q.query(`ALTER TABLE "jobs" DROP COLUMN "format"`);
    await q.query(`ALTER TABLE "jobs" DROP COLUMN "timings"`);
  }
}
