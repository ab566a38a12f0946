import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { createUser } from '../helpers/users.js';

const execFileP = promisify(execFile);

/**
 * What another module (the Jobs bulk loader) gets: SpeciesCoreModule's exported service, resolved from a host module
 * the way a Nest module importing SpeciesCoreModule would, in the built code (as production runs it) against the real
 * database. Prints the result of `createMany` as JSON.
 */
const HOST = `
  import { Module } from '@nestjs/common';
  import { NestFactory } from '@nestjs/core';
  import { CoreModule } from '${resolve('dist/src/core.module.js')}';
  import { ObservationsService } from '${resolve('dist/src/species/index.js')}';
  import { SpeciesCoreModule } from '${resolve('dist/src/species/species-core.module.js')}';
  class Host {}
  Module({ imports: [CoreModule, SpeciesCoreModule] })(Host);
  const context = await NestFactory.createApplicationContext(Host, { logger: false });
  const service = context.get(ObservationsService);
  const [owner, inputs, refs] = JSON.parse(process.argv[1]);
  const result = await service.createMany(owner, inputs, refs ?? undefined);
  const count = await service.countByOwner(owner);
  console.log(JSON.stringify({ ...result, count }));
  await context.close();
  process.exit(0);
`;

async function createMany(
  owner: string,
  inputs: unknown[],
  sourceRefs?: string[],
): Promise<{
  ids: string[];
  rejected: Array<{ index: number; problems: Array<{ field: string; problems: string[] }> }>;
  existing: Array<{ index: number; id: string }>;
  count: number;
}> {
  const { stdout } = await execFileP(
    process.execPath,
    ['--input-type=module', '-e', HOST, JSON.stringify([owner, inputs, sourceRefs ?? null])],
    { env: process.env, timeout: 30_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

beforeAll(async () => {
  await truncateAll();
});
afterAll(async () => {
  await closeDb();
});

describe('ObservationsService.createMany', () => {
  it('inserts the valid inputs and reports the others by index with the API’s validation', async () => {
    const owner = await createUser();
    const valid = {
      speciesName: 'Phocoena phocoena',
      locationName: 'Moray Firth',
      observationDatetime: '2024-05-05T08:00:00Z',
      location: { type: 'Point', coordinates: [-3.5, 57.7] },
    };
    const result = await createMany(owner.id, [
      valid,
      { ...valid, location: { type: 'Point', coordinates: [-3.5, 97] } },
      { ...valid, speciesName: 'Tursiops truncatus', depthMin: 3, depthMax: 4 },
      { ...valid, unexpected: true },
      { ...valid, depthMin: 9, depthMax: 1 },
      'not an object',
    ]);
    expect(result.ids).toHaveLength(2);
    expect(result.rejected.map((r) => r.index)).toEqual([1, 3, 4, 5]);
    expect(result.rejected[0].problems[0].field).toBe('location.coordinates');
    expect(result.rejected[1].problems[0].problems[0]).toMatch(/unexpected/);
    expect(result.rejected[2].problems[0].field).toBe('depthMin');

    const rows = await sql<{ species_name: string; owner_id: string; validated: string; lat: number }>(
      `SELECT species_name, owner_id, validated, ST_Y(location::geometry) AS lat FROM observations WHERE id = ANY($1) ORDER BY species_name`,
      [result.ids],
    );
    expect(rows).toEqual([
      { species_name: 'Phocoena phocoena', owner_id: owner.id, validated: 'pending', lat: 57.7 },
      { species_name: 'Tursiops truncatus', owner_id: owner.id, validated: 'pending', lat: 57.7 },
    ]);
    expect(result.count).toBe(2);
  });

  it('creates an input with a source ref once: a repeated call reports it as existing', async () => {
    const owner = await createUser();
    const sighting = (name: string) => ({
      speciesName: name,
      locationName: 'Lyme Bay',
      observationDatetime: '2024-08-01T12:00:00Z',
      location: { type: 'Point', coordinates: [-2.9, 50.6] },
    });
    const inputs = [sighting('Cetorhinus maximus'), sighting('Prionace glauca')];
    const first = await createMany(owner.id, inputs.slice(0, 1), ['test:1']);
    expect(first).toMatchObject({ existing: [], count: 1 });
    const again = await createMany(owner.id, inputs, ['test:1', 'test:2']);
    expect(again).toMatchObject({ existing: [{ index: 0, id: first.ids[0] }], rejected: [], count: 2 });
    expect(again.ids).toHaveLength(1);
    expect(
      await sql(`SELECT source_ref FROM observations WHERE owner_id = $1 ORDER BY source_ref`, [owner.id]),
    ).toEqual([{ source_ref: 'test:1' }, { source_ref: 'test:2' }]);
  });
});
