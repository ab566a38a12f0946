import { MigrationInterface, QueryRunner } from 'typeorm';

/** Microsoft 365 tenants as cloud accounts (provider `m365`). */
export class ScansM3651700000011000 implements MigrationInterface {
  name = 'ScansM3651700000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cloud_accounts" DROP CONSTRAINT IF EXISTS "cloud_accounts_provider_check"`);
    await q.query(
      `ALTER TABLE "cloud_accounts" ADD CONSTRAINT "cloud_accounts_provider_check" CHECK ("provider" IN ('aws', 'azure', 'gcp', 'm365'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "cloud_accounts" WHERE "provider" = 'm365'`);
    await q.query(`ALTER TABLE "cloud_accounts" DROP CONSTRAINT "cloud_accounts_provider_check"`);
    await q.query(
      `ALTER TABLE "cloud_accounts" ADD CONSTRAINT "cloud_accounts_provider_check" CHECK ("provider" IN ('aws', 'azure', 'gcp'))`,
    );
  }
}
