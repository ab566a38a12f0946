import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lineage for observations created in bulk (the Jobs module's `observations` kind): the caller's key of the input
 * that created the row. `ObservationsService.createMany` skips inputs whose key is already stored, so a load that
 * is repeated after a crash creates nothing twice. Sightings created through the API have none (NULL), hence a
 * partial index.
 */
export class JobsKinds1700000006000 implements MigrationInterface {
  name = 'JobsKinds1700000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "observations" ADD COLUMN "source_ref" text`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_observations_source_ref" ON "observations" ("source_ref") WHERE "source_ref" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "UQ_observations_source_ref"`);
    await q.query(`ALTER TABLE "observations" DROP COLUMN "source_ref"`);
  }
}
