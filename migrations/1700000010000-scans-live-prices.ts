import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Honest scans: each scan keeps its per-region, per-service status table and how many findings could not be
 * priced; prices fetched from the providers' price APIs are cached for 24 h in `scan_live_prices`.
 */
export class ScansLivePrices1700000010000 implements MigrationInterface {
  name = 'ScansLivePrices1700000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "scans"
      ADD COLUMN "service_status" jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN "findings_cost_unknown" integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE TABLE "scan_live_prices" (
      "key" text NOT NULL,
      "region" text NOT NULL,
      "provider" text NOT NULL,
      "usd" numeric(14,8) NOT NULL CHECK ("usd" >= 0),
      "unit" text NOT NULL,
      "sku" text,
      "fetched_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_scan_live_prices" PRIMARY KEY ("key", "region")
    )`);
    await q.query(`CREATE INDEX "idx_scan_live_prices_fetched_at" ON "scan_live_prices" ("fetched_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "scan_live_prices"`);
    await q.query(`ALTER TABLE "scans" DROP COLUMN "service_status", DROP COLUMN "findings_cost_unknown"`);
  }
}
