import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * Two replicas starting together on an empty database both run `migrate` (the container's start command): the
 * advisory lock makes them take turns, so both succeed and every migration is applied exactly once.
 */
const base = new URL(process.env.DATABASE_URL as string);
const name = `${base.pathname.slice(1)}_migrate_lock_${process.pid}`;
const admin = () => new pg.Client({ connectionString: new URL('/postgres', base).toString() });
const url = Object.assign(new URL(base.toString()), { pathname: `/${name}` }).toString();

beforeAll(async () => {
  const client = admin();
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}"`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
});
afterAll(async () => {
  const client = admin();
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
});

it('applies every migration once when two processes migrate an empty database at the same time', async () => {
  const env = { ...process.env, DATABASE_URL: url };
  const [a, b] = await Promise.all([
    run(process.execPath, ['dist/cli.js', 'migrate'], { env }),
    run(process.execPath, ['dist/cli.js', 'migrate'], { env }),
  ]);
  const outputs = [a.stdout, b.stdout];
  expect(outputs.filter((o) => o.includes('Applied Init1700000000000'))).toHaveLength(1);
  expect(outputs.filter((o) => o.includes('Database is up to date'))).toHaveLength(1);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ name: string; n: number }>(
    `SELECT name, count(*)::int AS n FROM migrations GROUP BY name HAVING count(*) > 1`,
  );
  const { rows: all } = await client.query(`SELECT 1 FROM migrations`);
  await client.end();
  expect(rows).toEqual([]);
  expect(all.length).toBeGreaterThanOrEqual(10);
}, 120_000);
