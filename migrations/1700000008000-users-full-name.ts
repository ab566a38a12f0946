import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The user's full name, which clients of the cloud-waste backend send at sign-up (`full_name`). Nullable: existing
 * users, external-IdP users and clients that send none have no name.
 */
export class UsersFullName1700000008000 implements MigrationInterface {
  name = 'UsersFullName1700000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD COLUMN "full_name" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "full_name"`);
  }
}
