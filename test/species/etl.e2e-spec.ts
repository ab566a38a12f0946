import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { FakeObis, FakeWorms, recordDay, speciesEnv } from './fakes.js';

const execFileP = promisify(execFile);
const uploads = mkdtempSync(join(tmpdir(), 'species-etl-'));
let obis: FakeObis;
let worms: FakeWorms;
let app: AppProcess;
let env: Record<string, string>;

interface RunRow {
  id: string;
  mode: string;
  status: string;
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  skipped: number;
  errors: number;
  cursor: string | null;
  parameters: Record<string, unknown>;
  trigger: string;
}

/** Runs `refresh-obis-data` as its own process; resolves with its output whatever the exit code. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(
      process.execPath,
      ['dist/cli.js', 'refresh-obis-data', ...args],
      {
        env: { ...process.env, ...env },
        timeout: 30_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

const lastRun = async (): Promise<RunRow> =>
  (await sql<RunRow>(`SELECT * FROM etl_runs ORDER BY created_at DESC LIMIT 1`))[0];
const curatedCount = async () =>
  Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM curated_observations`))[0].n);

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  obis = await new FakeObis().start();
  worms = await new FakeWorms().start();
  env = { ...speciesEnv(obis, worms, uploads), OBIS_PAGE_SIZE: '50' };
  app = await startApp(env);
});
afterAll(async () => {
  await app?.stop();
  await obis?.stop();
  await worms?.stop();
  await closeDb();
});
beforeEach(() => {
  obis.requests = [];
  obis.fail = () => false;
  worms.failing.clear();
});

describe('refresh-obis-data (CLI)', () => {
  it('loads every page of a full run, mapping the odd records of the real pages', async () => {
    const out = await cli('--mode', 'full');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/succeeded: pages=4 fetched=200 inserted=200 updated=0 skipped=0 errors=0/);
    const run = await lastRun();
    expect(run).toMatchObject({ mode: 'full', status: 'succeeded', trigger: 'cli', pages: 4, fetched: 200 });
    expect(run.parameters).toEqual({ size: 50 });
    expect(run.cursor).toBe(obis.records[199].id);
    // Paged by the cursor: each request asks for what follows the previous page's last id.
    expect(obis.requests.map((q) => q.get('after'))).toEqual([
      null,
      obis.records[49].id,
      obis.records[99].id,
      obis.records[149].id,
      obis.records[199].id,
    ]);
    expect(obis.requests.every((q) => q.get('size') === '50' && !q.has('startdate'))).toBe(true);
    expect(await curatedCount()).toBe(200);

    const rows = await sql<{
      obis_id: string;
      observation_date: string | null;
      observation_datetime: Date | null;
    }>(
      `SELECT obis_id, to_char(observation_date, 'YYYY-MM-DD') AS observation_date, observation_datetime
       FROM curated_observations WHERE obis_id = ANY($1)`,
      [
        [
          '0000013d-37ef-46e2-8fb8-bd2fb3683863',
          '000001ef-2e42-4e96-94eb-809316503039',
          '00000702-3454-4672-bfd8-dccfead97600',
          '0000bf51-cfd9-4ad1-8e4d-5813494f5786',
        ],
      ],
    );
    const byId = Object.fromEntries(rows.map((r) => [r.obis_id, r]));
    expect(byId['0000013d-37ef-46e2-8fb8-bd2fb3683863'].observation_date).toBe('1998-07-21'); // an interval
    expect(byId['000001ef-2e42-4e96-94eb-809316503039'].observation_date).toBeNull(); // no date at all
    expect(byId['00000702-3454-4672-bfd8-dccfead97600'].observation_date).toBe('1997-01-01'); // year only
    expect(byId['0000bf51-cfd9-4ad1-8e4d-5813494f5786'].observation_date).toBe('1954-07-01'); // year-month

    const [sunfish] = await sql<{
      common_name: string;
      lng: number;
      lat: number;
      raw: { decimalLongitude: number };
    }>(
      `SELECT common_name, ST_X(location::geometry) AS lng, ST_Y(location::geometry) AS lat, raw
       FROM curated_observations WHERE obis_id = '00028e7c-0d66-4ff9-9dbb-f1a5cdb26221'`,
    );
    expect(sunfish.common_name).toBe('Ocean Sunfish'); // from WoRMS, first English name, title-cased
    expect(sunfish.lng).toBeCloseTo(sunfish.raw.decimalLongitude, 9);
    const [cod] = await sql<{ n: string }>(
      `SELECT count(*) AS n FROM curated_observations WHERE aphia_id = 126436 AND common_name IS NOT NULL`,
    );
    expect(Number(cod.n)).toBeGreaterThan(0);

    const [cache] = await sql<{ common_name: string; ttl_days: number }>(
      `SELECT common_name, extract(day FROM expires_at - fetched_at)::int AS ttl_days FROM worms_vernacular_cache WHERE aphia_id = 127405`,
    );
    expect(cache).toEqual({ common_name: 'Ocean Sunfish', ttl_days: 30 });
    // One WoRMS request per taxon lacking a vernacular name in the records.
    expect(new Set(worms.requests).size).toBe(worms.requests.length);
  });

  it('changes nothing when the same pages are loaded again, and updates only what changed', async () => {
    const before = await sql<{ obis_id: string; updated_at: Date }>(
      `SELECT obis_id, updated_at FROM curated_observations ORDER BY obis_id`,
    );
    worms.requests = [];
    const again = await cli('--mode', 'full');
    expect(again.stdout).toMatch(/inserted=0 updated=0/);
    expect(worms.requests).toEqual([]); // every name came from the cache
    const after = await sql<{ obis_id: string; updated_at: Date }>(
      `SELECT obis_id, updated_at FROM curated_observations ORDER BY obis_id`,
    );
    expect(after).toEqual(before);

    const changed = obis.records[10];
    obis.records[10] = { ...changed, sst: 42.5 };
    const third = await cli('--mode', 'full');
    obis.records[10] = changed;
    expect(third.stdout).toMatch(/fetched=200 inserted=0 updated=1/);
    const [row] = await sql<{ temperature: number }>(
      `SELECT temperature FROM curated_observations WHERE obis_id = $1`,
      [changed.id],
    );
    expect(row.temperature).toBe(42.5);
  });

  it('retries a page that failed once and carries on without a gap', async () => {
    await truncateAll();
    let failures = 0;
    obis.fail = (q) => q.get('after') === obis.records[49].id && failures++ === 0;
    const out = await cli('--mode', 'full');
    expect(out.code).toBe(0);
    expect(await lastRun()).toMatchObject({ status: 'succeeded', pages: 4, fetched: 200, inserted: 200 });
    expect(obis.requests.map((q) => q.get('after'))).toEqual([
      null,
      obis.records[49].id,
      obis.records[49].id,
      obis.records[99].id,
      obis.records[149].id,
      obis.records[199].id,
    ]);
    expect(await curatedCount()).toBe(200);
  });

  it('stops after --pages pages', async () => {
    const out = await cli('--mode', 'full', '--pages', '2');
    expect(out.code).toBe(0);
    expect(await lastRun()).toMatchObject({ pages: 2, fetched: 100, status: 'succeeded' });
    expect(obis.requests).toHaveLength(2);
  });

  it('passes the date window and filters of an incremental run to OBIS', async () => {
    await truncateAll();
    const out = await cli('--mode', 'incremental', '--start-date', '2010-01-01', '--end-date', '2014-12-31');
    expect(out.code).toBe(0);
    const expected = obis.records.filter((r) => {
      const day = recordDay(r);
      return day !== undefined && day >= '2010-01-01' && day <= '2014-12-31';
    }).length;
    expect(expected).toBeGreaterThan(10);
    expect(await curatedCount()).toBe(expected);
    expect(obis.requests[0].get('startdate')).toBe('2010-01-01');
    expect(obis.requests[0].get('enddate')).toBe('2014-12-31');
    expect((await lastRun()).parameters).toMatchObject({ startDate: '2010-01-01', endDate: '2014-12-31' });
  });

  it('defaults an incremental run to the last 30 days, and passes taxonid and geometry', async () => {
    const out = await cli('--taxonid', '127405', '--geometry', 'POLYGON((-10 40,10 40,10 60,-10 60,-10 40))');
    expect(out.code).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.parse(today) - 30 * 86_400_000).toISOString().slice(0, 10);
    expect((await lastRun()).parameters).toEqual({
      size: 50,
      startDate: monthAgo,
      endDate: today,
      taxonId: '127405',
      geometry: 'POLYGON((-10 40,10 40,10 60,-10 60,-10 40))',
    });
    expect(obis.requests[0].get('taxonid')).toBe('127405');
    expect(obis.requests[0].get('geometry')).toBe('POLYGON((-10 40,10 40,10 60,-10 60,-10 40))');
  });

  it('refuses bad arguments with a message', async () => {
    const bad = await cli('--mode', 'sometimes');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--mode must be incremental or full/);
    const date = await cli('--start-date', '2024-13-45');
    expect(date.stderr).toMatch(/startDate must be a date/);
  });

  it('resumes a run that failed in the middle from its cursor', async () => {
    await truncateAll();
    const cursorAfterTwoPages = obis.records[99].id;
    obis.fail = (q) => q.get('after') === cursorAfterTwoPages;
    const failed = await cli('--mode', 'full');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/OBIS failed after 3 attempt\(s\): HTTP 500/);
    const run = await lastRun();
    expect(run).toMatchObject({
      status: 'failed',
      pages: 2,
      fetched: 100,
      inserted: 100,
      cursor: cursorAfterTwoPages,
    });
    expect(failed.stderr).toContain(`--resume ${run.id}`);
    expect(await curatedCount()).toBe(100);

    obis.fail = () => false;
    obis.requests = [];
    const resumed = await cli('--resume', run.id);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`resumed from ${cursorAfterTwoPages}`);
    expect(obis.requests[0].get('after')).toBe(cursorAfterTwoPages);
    expect(await lastRun()).toMatchObject({
      id: run.id,
      status: 'succeeded',
      pages: 4,
      fetched: 200,
      inserted: 200,
    });
    expect(await curatedCount()).toBe(200);

    const done = await cli('--resume', run.id);
    expect(done.stderr).toMatch(/already succeeded/);
  });

  it('leaves names empty and counts errors when WoRMS fails, without failing the run', async () => {
    await truncateAll();
    worms.failing.add(127405);
    const out = await cli('--mode', 'full');
    expect(out.code).toBe(0);
    const run = await lastRun();
    expect(run.status).toBe('succeeded');
    expect(run.errors).toBeGreaterThanOrEqual(1);
    const [sunfish] = await sql<{ common_name: string | null }>(
      `SELECT common_name FROM curated_observations WHERE obis_id = '00028e7c-0d66-4ff9-9dbb-f1a5cdb26221'`,
    );
    expect(sunfish.common_name).toBeNull();
    expect(await sql(`SELECT 1 FROM worms_vernacular_cache WHERE aphia_id = 127405`)).toHaveLength(0);
  });
});

describe('full refresh mirrors OBIS', () => {
  const present = async (ids: string[]) =>
    (
      await sql<{ obis_id: string }>(
        `SELECT obis_id FROM curated_observations WHERE obis_id = ANY($1) ORDER BY obis_id`,
        [ids],
      )
    ).map((r) => r.obis_id);

  it('removes what OBIS no longer returns once a full run completes; a partial, failed or incremental run removes nothing', async () => {
    await truncateAll();
    expect((await cli('--mode', 'full')).code).toBe(0);
    expect(await curatedCount()).toBe(200);
    const all = obis.records;
    const gone = [all[3], all[77], all[150]];
    obis.records = all.filter((r) => !gone.includes(r));
    const goneIds = gone.map((r) => r.id);
    try {
      const partial = await cli('--mode', 'full', '--pages', '2');
      expect(partial.stdout).toMatch(/succeeded: pages=2 fetched=100 .* removed=0/);
      expect(await present(goneIds)).toHaveLength(3);

      obis.fail = (q) => q.get('after') === obis.records[99].id;
      expect((await cli('--mode', 'full')).code).toBe(1);
      const failed = await lastRun();
      expect(failed).toMatchObject({ status: 'failed', pages: 2 });
      expect(await present(goneIds)).toHaveLength(3);

      obis.fail = () => false;
      const incremental = await cli(
        '--mode',
        'incremental',
        '--start-date',
        '1900-01-01',
        '--end-date',
        '2030-12-31',
      );
      expect(incremental.stdout).toMatch(/removed=0/);
      expect(await present(goneIds)).toHaveLength(3);

      // The failed run, resumed to its end, has every id OBIS returned across both attempts.
      const resumed = await cli('--resume', failed.id);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toMatch(/succeeded: pages=4 fetched=197 inserted=0 updated=0 .* removed=3/);
      expect(await present(goneIds)).toEqual([]);
      expect(await curatedCount()).toBe(197);
      const again = await cli('--mode', 'full');
      expect(again.stdout).toMatch(/removed=0/);
    } finally {
      obis.records = all;
    }
  });

  it('removes only within the run’s query: records of other taxa stay', async () => {
    await truncateAll();
    expect((await cli('--mode', 'full')).code).toBe(0);
    const all = obis.records;
    const sunfish = all.filter((r) => r.aphiaID === 127405);
    const other = all.find((r) => r.aphiaID !== 127405) as (typeof all)[number];
    expect(sunfish.length).toBeGreaterThan(1);
    expect((await cli('--mode', 'full', '--taxonid', '127405')).stdout).toMatch(/removed=0/);
    obis.records = all.filter((r) => r !== sunfish[0] && r !== other);
    try {
      const out = await cli('--mode', 'full', '--taxonid', '127405');
      expect(out.stdout).toMatch(/removed=1 /);
      expect(await present([sunfish[0].id, other.id])).toEqual([other.id]);
      expect(await curatedCount()).toBe(199);
    } finally {
      obis.records = all;
    }
  });
});

describe('ETL API', () => {
  const waitFor = async (
    url: string,
    token: string,
    id: string,
    status: string,
  ): Promise<Record<string, unknown>> => {
    for (let i = 0; i < 200; i++) {
      const res = await request(url)
        .get(`/api/v1/species/etl/runs/${id}`)
        .set('Authorization', `Bearer ${token}`);
      if (res.body.status === status) return res.body as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${id} never reached ${status}`);
  };

  it('queues runs for admins only, records them, and resumes a failed one', async () => {
    await truncateAll();
    const { token } = await signedIn(app.url, { role: 'admin' });
    const { token: userToken } = await signedIn(app.url);
    await request(app.url)
      .post('/api/v1/species/etl/runs')
      .set('Authorization', `Bearer ${userToken}`)
      .send({ mode: 'full' })
      .expect(403);
    await request(app.url).get('/api/v1/species/etl/runs').expect(401);
    const bad = await request(app.url)
      .post('/api/v1/species/etl/runs')
      .set('Authorization', `Bearer ${token}`)
      .send({ mode: 'full', start_date: '01/02/2024' })
      .expect(400);
    expect(bad.body.message).toMatch(/start_date/);

    obis.fail = (q) => q.get('after') === obis.records[49].id;
    const started = await request(app.url)
      .post('/api/v1/species/etl/runs')
      .set('Authorization', `Bearer ${token}`)
      .send({ mode: 'full' })
      .expect(202);
    expect(started.body).toMatchObject({ mode: 'full', status: 'queued', trigger: 'api' });
    const failed = await waitFor(app.url, token, started.body.id as string, 'failed');
    expect(failed).toMatchObject({ pages: 1, fetched: 50, cursor: obis.records[49].id });
    expect(failed.last_error).toMatch(/HTTP 500/);

    obis.fail = () => false;
    await request(app.url)
      .post(`/api/v1/species/etl/runs/${started.body.id}/resume`)
      .set('Authorization', `Bearer ${token}`)
      .expect(202);
    const done = await waitFor(app.url, token, started.body.id as string, 'succeeded');
    expect(done).toMatchObject({ pages: 4, fetched: 200, inserted: 200, updated: 0 });
    expect(await curatedCount()).toBe(200);

    await request(app.url)
      .post(`/api/v1/species/etl/runs/${started.body.id}/resume`)
      .set('Authorization', `Bearer ${token}`)
      .expect(409);
    await request(app.url)
      .get('/api/v1/species/etl/runs/not-a-run')
      .set('Authorization', `Bearer ${token}`)
      .expect(404);
    const list = await request(app.url)
      .get('/api/v1/species/etl/runs?limit=5')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(list.body).toMatchObject({ total: 1, limit: 5, offset: 0 });
    expect(list.body.items[0].id).toBe(started.body.id);
  });
});
