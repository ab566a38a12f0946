import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's sightings in the order their export reads them (observation time, then id): the keyset pages of
 * `GET /api/v1/observations/export` and `GET /api/v1/me/export` become index range scans instead of a sort of all
 * the user's sightings per page.
 */
export class ObservationsOwnerDatetime1700000015000 implements MigrationInterface {
  name = 'ObservationsOwnerDatetime1700000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_observations_owner_datetime" ON "observations" ("owner_id", "observation_datetime", "id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_observations_owner_datetime"`);
  }
}
