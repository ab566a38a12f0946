import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { closeDb, sql, truncateAll } from '../helpers/db.js';

const execFileP = promisify(execFile);
const env = { ...process.env, DEMO_USER: 'demo-species@example.org', DEMO_PASS: 'demo-password-1' };
const cli = (command: string) =>
  execFileP(process.execPath, ['dist/cli.js', command], { env, timeout: 30_000 });

beforeAll(truncateAll);
afterAll(closeDb);

describe('species:demo-seed', () => {
  it('loads the bundled OBIS sample through the mapper and upsert, and a few sightings, once', async () => {
    await cli('demo:seed');
    const first = await cli('species:demo-seed');
    expect(first.stdout).toMatch(/Curated observations: 100 inserted, 0 updated, 0 unchanged/);
    expect(first.stdout).toMatch(/Created 3 demo sightings/);
    const again = await cli('species:demo-seed');
    expect(again.stdout).toMatch(/0 inserted, 0 updated, 100 unchanged/);
    expect(again.stdout).toMatch(/already exist/);
    const [counts] = await sql<{ curated: string; sightings: string }>(
      `SELECT (SELECT count(*) FROM curated_observations) AS curated, (SELECT count(*) FROM observations) AS sightings`,
    );
    expect(counts).toEqual({ curated: '100', sightings: '3' });
  });
});
