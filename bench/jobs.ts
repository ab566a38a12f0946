import { execFileSync } from 'node:child_process';
import {
  createWriteStream,
  mkdtempSync,
  openAsBlob,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, peakRssMb, startProcess, table } from './lib.js';

/**
 * `npm run bench:jobs`: generated files of each kind uploaded to Terrawatch and followed to COMPLETED (upload,
 * staging with COPY, set-based checks, load into the target), beside `psql \copy` of the same file into a bare
 * table, in the same run. Prints rows/s of each, their ratio, where the time went (upload, stage, checks, load),
 * the least any loader into the kind's target table must do (`BenchKind.ceiling`, hence the best ratio any loader
 * can reach here) and the app's peak RSS (VmHWM). BENCH_KINDS (default `contacts,sensor_readings,observations`) picks the kinds,
 * BENCH_ROWS (default 500,000) the rows per file (`BENCH_ROWS=5000000` for the run that shows the cost grows
 * linearly; each kind's peak RSS is its own, the peak is reset between kinds). Uses its own database (`bench_jobs`, created and migrated) and
 * Redis db 11, emptied first.
 */
const rows = Number(process.env.BENCH_ROWS ?? 500_000);
const kinds = (process.env.BENCH_KINDS ?? 'contacts,sensor_readings,observations').split(',');
const databaseUrl = process.env.BENCH_JOBS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_jobs';
const redisUrl = process.env.BENCH_JOBS_REDIS_URL ?? 'redis://127.0.0.1:6379/11';
/** Where each kind's timings land, for the app's target tables to be emptied before the run. */
const TARGETS = ['contacts', 'sensor_readings', 'sensors', 'observations'];

interface BenchKind {
  header: string;
  /** The bare table `psql \copy` fills: the file's columns, all text. */
  columns: string[];
  /**
   * The least any loader into the app's target table must do, timed in the same run: a copy of the table
   * (`LIKE ... INCLUDING ALL`: its indexes, identity, defaults and checks) filled straight from the file by
   * `psql \copy` when the file's columns are its columns, else (`insert`) the bare table's `psql \copy` plus one
   * `INSERT ... SELECT` of the bare rows, typed, into the copy. No staging, no checks, no lineage.
   */
  ceiling: { target: string; insert?: (bare: string, shaped: string, ownerId: string) => string };
  row(i: number, run: string): string;
}

const START = Date.UTC(2026, 0, 1) / 1000;
const BENCH_KINDS: Record<string, BenchKind> = {
  contacts: {
    header: 'email,first_name,last_name,company',
    columns: ['email', 'first_name', 'last_name', 'company'],
    ceiling: { target: 'contacts' },
    row: (i, run) =>
      `bench.${run}.${i}@example.org,Firstname${i},Lastname${i},"Company Number ${i % 5000}, Incorporated Ltd"`,
  },
  sensor_readings: {
    header: 'timestamp,sensor_type,sensor_id,value,unit',
    columns: ['timestamp', 'sensor_type', 'sensor_id', 'value', 'unit'],
    ceiling: {
      target: 'sensor_readings',
      insert: (bare, shaped) =>
        `INSERT INTO ${shaped} ("timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol)
         SELECT to_timestamp("timestamp"::float8), sensor_type, sensor_id, value::float8, unit, 'unknown', 'http'
         FROM ${bare}`,
    },
    row: (i, run) =>
      `${START + Math.floor(i / 50)},temperature,bench-${run}-${i % 50},${(15 + (i % 100) / 10).toFixed(1)},C`,
  },
  observations: {
    header: 'species_name,latitude,longitude,observation_datetime,location_name,temperature',
    columns: [
      'species_name',
      'latitude',
      'longitude',
      'observation_datetime',
      'location_name',
      'temperature',
    ],
    ceiling: {
      target: 'observations',
      insert: (bare, shaped, ownerId) =>
        `INSERT INTO ${shaped} (owner_id, source_ref, species_name, location_name, location, observation_datetime,
           temperature)
         SELECT '${ownerId}'::uuid, 'bench:' || md5(${bare}::text), species_name, location_name,
           ST_SetSRID(ST_MakePoint(longitude::float8, latitude::float8), 4326)::geography,
           observation_datetime::timestamptz, temperature::float8
         FROM ${bare}`,
    },
    row: (i, run) =>
      `Gadus morhua,${(50 + (i % 1000) / 100).toFixed(2)},${(-5 + (i % 777) / 100).toFixed(2)},` +
      `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z,` +
      `"Bench ${run} site ${i}, North Sea",${(8 + (i % 50) / 10).toFixed(1)}`,
  },
};

/**
 * The peak RSS (VmHWM) since the last reset, then reset (Linux: writing 5 to clear_refs), so each kind reports its
 * own peak.
 */
function takePeakRssMb(pid: number): number {
  const peak = peakRssMb(pid);
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  return peak;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function ensureDatabase(): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

async function writeCsv(path: string, kind: BenchKind, run: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${kind.header}\n`);
  const batch: string[] = [];
  for (let i = 1; i <= rows; i++) {
    batch.push(`${kind.row(i, run)}\n`);
    if (batch.length === 10_000 || i === rows) {
      if (!out.write(batch.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
      batch.length = 0;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** The worker writes its phase timings right after the job settles. */
async function waitForTimings(db: pg.Client, jobId: string): Promise<Record<string, number>> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await db.query<{ timings: Record<string, number> | null }>(
      `SELECT timings FROM jobs WHERE id = $1`,
      [jobId],
    );
    if (rows[0]?.timings) return rows[0].timings;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {};
}

/** The share of `psql \copy` speed each kind should reach (issue 15). */
const TARGET_RATIO: Record<string, number> = { contacts: 0.35, sensor_readings: 0.25, observations: 0.25 };

interface Measured {
  kind: string;
  sizeMb: number;
  ours: number;
  copy: number;
  /** The least a loader into the target table must do (see `BenchKind.ceiling`), seconds. */
  ceiling: number;
  phases: Record<string, number>;
  peakMb: number;
}

async function main(): Promise<void> {
  await ensureDatabase();
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = redisUrl;
  migrate();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`TRUNCATE jobs, staging, job_issues, ${TARGETS.join(', ')} CASCADE`);
  execFileSync('redis-cli', ['-u', redisUrl, 'FLUSHDB'], { stdio: 'ignore' });

  const dir = mkdtempSync(join(tmpdir(), 'terrawatch-bench-jobs-'));
  const run = Date.now().toString(36);
  const email = `bench-${run}@example.org`;
  const password = 'bench-password-1';
  execFileSync(
    process.execPath,
    ['dist/cli.js', 'user:create', '--email', email, '--username', `bench${run}`, '--password', password],
    { stdio: 'ignore', env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } },
  );
  await db.query(`UPDATE users SET groups = '{uploader}' WHERE email = $1`, [email]);

  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the app, written when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const app = await startProcess([...profile, 'dist/main.js'], {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    JOBS_STORAGE_DIR: join(dir, 'storage'),
    JOBS_TMP_DIR: join(dir, 'tmp'),
    JOBS_MAX_UPLOAD_MB: '2000',
    THROTTLE_DEFAULT_LIMIT: '100000',
    THROTTLE_LOGIN_LIMIT: '1000',
  });
  const results: Measured[] = [];
  try {
    const login = (await (
      await fetch(`${app.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password }),
      })
    ).json()) as { access_token: string };
    const headers = { Authorization: `Bearer ${login.access_token}` };
    const idleRss = rssMb(app.child.pid as number);
    takePeakRssMb(app.child.pid as number);
    for (const name of kinds) {
      const kind = BENCH_KINDS[name];
      if (!kind) throw new Error(`BENCH_KINDS: unknown kind ${name}`);
      const file = join(dir, `${name}.csv`);
      await writeCsv(file, kind, run);
      const measured = await measure(db, app.url, headers, name, kind, file);
      results.push({ ...measured, peakMb: takePeakRssMb(app.child.pid as number) });
      rmSync(file, { force: true });
    }
    const rss = Math.max(...results.map((r) => r.peakMb));
    console.log(
      `${rows} rows per kind; app RSS when idle ${idleRss} MB, peak ${rss} MB; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    table(
      results.map((r) => ({
        kind: r.kind,
        MB: Number(r.sizeMb.toFixed(1)),
        'upload s': sec(r.phases.upload_ms),
        'stage s': sec(r.phases.stage_ms),
        'checks s': sec(r.phases.check_ms),
        'load s': sec(r.phases.load_ms),
        'terrawatch s': Number(r.ours.toFixed(2)),
        'terrawatch rows/s': Math.round(rows / r.ours),
        'psql \\copy s': Number(r.copy.toFixed(2)),
        'psql rows/s': Math.round(rows / r.copy),
        ratio: Number((r.copy / r.ours).toFixed(3)),
        'into target s': Number(r.ceiling.toFixed(2)),
        'best ratio': Number((r.copy / r.ceiling).toFixed(3)),
        target: `>= ${TARGET_RATIO[r.kind]} ${r.copy / r.ours >= TARGET_RATIO[r.kind] ? 'met' : 'NOT met'}`,
        'peak RSS MB': r.peakMb,
      })),
    );
    console.log(
      `stage = parse + COPY into staging (of which waiting on COPY: ${results
        .map((r) => `${r.kind} ${sec(r.phases.copy_wait_ms)} s`)
        .join(', ')}); peak RSS < 300 MB ${rss < 300 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `into target = the least any loader must do: the same file into a copy of the kind's target table with ` +
        `its indexes (contacts: psql \\copy straight in; the others: the bare psql \\copy plus one typed ` +
        `INSERT ... SELECT), no staging, no checks; best ratio = psql \\copy / into target, the ceiling of ratio`,
    );
  } finally {
    await app.stop();
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

function sec(ms: number | undefined): number {
  return Number(((ms ?? 0) / 1000).toFixed(2));
}

/** Uploads one file, follows its job to COMPLETED, then copies the same file with psql into a bare table. */
async function measure(
  db: pg.Client,
  url: string,
  headers: Record<string, string>,
  name: string,
  kind: BenchKind,
  file: string,
): Promise<Omit<Measured, 'peakMb'>> {
  const form = new FormData();
  form.set('kind', name);
  form.set('file', await openAsBlob(file, { type: 'text/csv' }), `${name}.csv`);
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/jobs/upload`, { method: 'POST', headers, body: form });
  const uploaded = (await res.json()) as { job_id: string; total_rows: number };
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(uploaded)}`);
  const uploadMs = performance.now() - started;
  let job: { status: string; loaded_rows: number; error: string | null };
  for (;;) {
    job = (await (await fetch(`${url}/api/v1/jobs/${uploaded.job_id}`, { headers })).json()) as typeof job;
    if (['COMPLETED', 'NEEDS_REVIEW', 'FAILED'].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ours = (performance.now() - started) / 1000;
  if (job.status !== 'COMPLETED' || job.loaded_rows !== rows) {
    throw new Error(
      `${name}: job ended ${job.status} with ${job.loaded_rows} rows loaded: ${job.error ?? ''}`,
    );
  }
  const phases = { upload_ms: uploadMs, ...(await waitForTimings(db, uploaded.job_id)) };

  const bare = `bench_copy_${name}`;
  await db.query(`DROP TABLE IF EXISTS ${bare}`);
  await db.query(`CREATE TABLE ${bare} (${kind.columns.map((c) => `${c} text`).join(', ')})`);
  const copyStarted = performance.now();
  execFileSync('psql', [
    databaseUrl,
    '-q',
    '-c',
    `\\copy ${bare} FROM '${file}' WITH (FORMAT csv, HEADER true)`,
  ]);
  const copy = (performance.now() - copyStarted) / 1000;
  const copied = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${bare}`)).rows[0].n;
  if (copied !== rows) throw new Error(`psql copied ${copied} rows`);
  const shaped = `bench_target_${name}`;
  await db.query(`DROP TABLE IF EXISTS ${shaped}`);
  await db.query(`CREATE TABLE ${shaped} (LIKE ${kind.ceiling.target} INCLUDING ALL)`);
  let ceiling: number;
  if (kind.ceiling.insert) {
    const owner = await db.query<{ owner_id: string }>(`SELECT owner_id FROM jobs WHERE id = $1`, [
      uploaded.job_id,
    ]);
    const insertStarted = performance.now();
    await db.query(kind.ceiling.insert(bare, shaped, owner.rows[0].owner_id));
    ceiling = copy + (performance.now() - insertStarted) / 1000;
  } else {
    const targetStarted = performance.now();
    execFileSync('psql', [
      databaseUrl,
      '-q',
      '-c',
      `\\copy ${shaped} (${kind.columns.join(', ')}) FROM '${file}' WITH (FORMAT csv, HEADER true)`,
    ]);
    ceiling = (performance.now() - targetStarted) / 1000;
  }
  const filled = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${shaped}`)).rows[0].n;
  await db.query(`DROP TABLE ${shaped}`);
  await db.query(`DROP TABLE ${bare}`);
  if (filled !== rows) throw new Error(`${shaped} holds ${filled} rows`);
  return { kind: name, sizeMb: statSync(file).size / 1024 / 1024, ours, copy, ceiling, phases };
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
