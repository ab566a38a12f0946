import { MigrationInterface, QueryRunner } from 'typeorm';
import { LIST_PRICES } from '../src/scans/pricing/list-prices.js';

/** The Scans module: cloud accounts, scans, orphaned resources, pricing, rule overrides, assistant history. */
export class Scans1700000004000 implements MigrationInterface {
  name = 'Scans1700000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "cloud_accounts" (
      "id" uuid NOT NULL,
      "owner_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "provider" text NOT NULL CHECK ("provider" IN ('aws', 'azure', 'gcp')),
      "name" text NOT NULL,
      "account_identifier" text NOT NULL,
      "regions" text[] NOT NULL DEFAULT '{}',
      "description" text,
      "is_active" boolean NOT NULL DEFAULT true,
      "credentials_ciphertext" text NOT NULL,
      "credentials_key_id" text NOT NULL,
      "credentials_hint" text NOT NULL,
      "schedule_enabled" boolean NOT NULL DEFAULT false,
      "schedule_frequency" text NOT NULL DEFAULT 'daily' CHECK ("schedule_frequency" IN ('daily', 'weekly', 'monthly')),
      "schedule_hour" smallint NOT NULL DEFAULT 2 CHECK ("schedule_hour" BETWEEN 0 AND 23),
      "schedule_day_of_week" smallint CHECK ("schedule_day_of_week" BETWEEN 0 AND 6),
      "schedule_day_of_month" smallint CHECK ("schedule_day_of_month" BETWEEN 1 AND 28),
      "last_scan_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_cloud_accounts" PRIMARY KEY ("id")
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_cloud_accounts_owner_name" ON "cloud_accounts" ("owner_id", lower("name"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_cloud_accounts_schedule" ON "cloud_accounts" ("schedule_hour") WHERE "schedule_enabled" AND "is_active"`,
    );
    await q.query(`CREATE INDEX "IDX_cloud_accounts_key_id" ON "cloud_accounts" ("credentials_key_id")`);

    await q.query(`CREATE TABLE "scans" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "account_id" uuid NOT NULL REFERENCES "cloud_accounts"("id") ON DELETE CASCADE,
      "owner_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "type" text NOT NULL CHECK ("type" IN ('manual', 'scheduled')),
      "status" text NOT NULL DEFAULT 'pending'
        CHECK ("status" IN ('pending', 'in_progress', 'completed', 'failed', 'cancelled')),
      "progress" smallint NOT NULL DEFAULT 0,
      "current_step" text,
      "current_region" text,
      "resources_scanned" integer NOT NULL DEFAULT 0,
      "orphans_found" integer NOT NULL DEFAULT 0,
      "estimated_monthly_waste" numeric(14,2) NOT NULL DEFAULT 0,
      "region_errors" jsonb NOT NULL DEFAULT '[]',
      "error_message" text,
      "attempts" smallint NOT NULL DEFAULT 0,
      "started_at" timestamptz,
      "completed_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_scans" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE INDEX "IDX_scans_owner_created" ON "scans" ("owner_id", "created_at" DESC)`);
    await q.query(
      `CREATE INDEX "IDX_scans_account_completed" ON "scans" ("account_id", "completed_at" DESC) WHERE "status" = 'completed'`,
    );
    // At most one unfinished scan per account: a second request is a 409, a duplicate scheduled tick a no-op.
    await q.query(
      `CREATE UNIQUE INDEX "UQ_scans_account_unfinished" ON "scans" ("account_id") WHERE "status" IN ('pending', 'in_progress')`,
    );

    await q.query(`CREATE TABLE "orphan_resources" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "scan_id" uuid NOT NULL REFERENCES "scans"("id") ON DELETE CASCADE,
      "account_id" uuid NOT NULL REFERENCES "cloud_accounts"("id") ON DELETE CASCADE,
      "owner_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "provider" text NOT NULL,
      "resource_type" text NOT NULL,
      "resource_id" text NOT NULL,
      "resource_name" text,
      "region" text NOT NULL,
      "monthly_cost" numeric(12,2) NOT NULL,
      "metadata" jsonb NOT NULL,
      "status" text NOT NULL DEFAULT 'active'
        CHECK ("status" IN ('active', 'ignored', 'marked_for_deletion', 'deleted')),
      "notes" text,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_orphan_resources" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_orphan_resources_scan_resource" UNIQUE ("scan_id", "resource_type", "resource_id")
    )`);
    await q.query(
      `CREATE INDEX "IDX_orphan_resources_scan_cost" ON "orphan_resources" ("scan_id", "monthly_cost" DESC)`,
    );
    await q.query(
      `CREATE INDEX "IDX_orphan_resources_account_resource" ON "orphan_resources" ("account_id", "resource_type", "resource_id", "created_at" DESC)`,
    );
    await q.query(`CREATE INDEX "IDX_orphan_resources_owner" ON "orphan_resources" ("owner_id")`);

    // When a resource without a creation time (an Elastic IP) was first seen idle: its age for the rules.
    await q.query(`CREATE TABLE "resource_sightings" (
      "account_id" uuid NOT NULL REFERENCES "cloud_accounts"("id") ON DELETE CASCADE,
      "resource_type" text NOT NULL,
      "resource_id" text NOT NULL,
      "region" text NOT NULL,
      "first_seen_at" timestamptz NOT NULL DEFAULT now(),
      "last_seen_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_resource_sightings" PRIMARY KEY ("account_id", "resource_type", "resource_id")
    )`);

    await q.query(`CREATE TABLE "scan_prices" (
      "id" integer GENERATED BY DEFAULT AS IDENTITY,
      "key" text NOT NULL,
      "region" text NOT NULL DEFAULT '*',
      "usd" numeric(12,6) NOT NULL CHECK ("usd" >= 0),
      "unit" text NOT NULL,
      "description" text NOT NULL,
      "updated_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_scan_prices" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_scan_prices_key_region" UNIQUE ("key", "region")
    )`);
    for (const { key, usd, unit, description } of LIST_PRICES) {
      await q.query(
        `INSERT INTO "scan_prices" ("key", "usd", "unit", "description") VALUES ($1, $2, $3, $4)`,
        [key, usd, unit, description],
      );
    }

    await q.query(`CREATE TABLE "detection_rule_overrides" (
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "resource_type" text NOT NULL,
      "enabled" boolean NOT NULL DEFAULT true,
      "parameters" jsonb NOT NULL DEFAULT '{}',
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_detection_rule_overrides" PRIMARY KEY ("user_id", "resource_type")
    )`);

    await q.query(`CREATE TABLE "chat_conversations" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "owner_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "title" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_chat_conversations" PRIMARY KEY ("id")
    )`);
    await q.query(
      `CREATE INDEX "IDX_chat_conversations_owner" ON "chat_conversations" ("owner_id", "updated_at" DESC)`,
    );
    await q.query(`CREATE TABLE "chat_messages" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "conversation_id" uuid NOT NULL REFERENCES "chat_conversations"("id") ON DELETE CASCADE,
      "owner_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "role" text NOT NULL CHECK ("role" IN ('user', 'assistant')),
      "content" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_chat_messages" PRIMARY KEY ("id")
    )`);
    await q.query(
      `CREATE INDEX "IDX_chat_messages_conversation" ON "chat_messages" ("conversation_id", "created_at")`,
    );
    await q.query(
      `CREATE INDEX "IDX_chat_messages_owner_day" ON "chat_messages" ("owner_id", "created_at") WHERE "role" = 'user'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'chat_messages',
      'chat_conversations',
      'detection_rule_overrides',
      'scan_prices',
      'resource_sightings',
      'orphan_resources',
      'scans',
      'cloud_accounts',
    ])
      await q.query(`DROP TABLE "${table}"`);
  }
}
