import { MigrationInterface, QueryRunner } from 'typeorm';

/** PostGIS, and the Auth module's tables. */
export class Init1700000000000 implements MigrationInterface {
  name = 'Init1700000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS postgis`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`CREATE TYPE "user_role" AS ENUM ('user', 'researcher', 'admin')`);
    await q.query(`CREATE TABLE "users" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "email" text,
      "username" text NOT NULL,
      "password_hash" text,
      "role" "user_role" NOT NULL DEFAULT 'user',
      "groups" text[] NOT NULL DEFAULT '{}',
      "is_active" boolean NOT NULL DEFAULT true,
      "email_verified" boolean NOT NULL DEFAULT false,
      "external_subject" text,
      "last_login_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_users" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_users_external_subject" UNIQUE ("external_subject"),
      CONSTRAINT "CHK_users_credentials" CHECK ("external_subject" IS NOT NULL OR ("email" IS NOT NULL AND "password_hash" IS NOT NULL))
    )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_users_email_lower" ON "users" (lower("email"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_users_username_lower" ON "users" (lower("username"))`);
    await q.query(`CREATE INDEX "IDX_users_created_at" ON "users" ("created_at" DESC)`);

    await q.query(`CREATE TABLE "refresh_tokens" (
      "id" uuid NOT NULL,
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "family_id" uuid NOT NULL,
      "expires_at" timestamptz NOT NULL,
      "replaced_by" uuid,
      "revoked_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_refresh_tokens" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE INDEX "IDX_refresh_tokens_user" ON "refresh_tokens" ("user_id")`);
    await q.query(`CREATE INDEX "IDX_refresh_tokens_family" ON "refresh_tokens" ("family_id")`);

    await q.query(`CREATE TYPE "email_token_purpose" AS ENUM ('verify_email', 'password_reset')`);
    await q.query(`CREATE TABLE "email_tokens" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "purpose" "email_token_purpose" NOT NULL,
      "token_hash" text NOT NULL,
      "expires_at" timestamptz NOT NULL,
      "used_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_email_tokens" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_email_tokens_hash" ON "email_tokens" ("token_hash")`);
    await q.query(`CREATE INDEX "IDX_email_tokens_user" ON "email_tokens" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "email_tokens"`);
    await q.query(`DROP TYPE "email_token_purpose"`);
    await q.query(`DROP TABLE "refresh_tokens"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP TYPE "user_role"`);
  }
}
