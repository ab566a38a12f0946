import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, openAsBlob, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, peakRssMb, startProcess, table } from './lib.js';

/**
 * `npm run bench:jobs`: a generated contacts CSV (500,000 rows, about 50 MB) uploaded to Terrawatch and followed to
 * COMPLETED (upload, staging with COPY, set-based checks, load into `contacts`), beside `psql \copy` of the same
 * file into a bare table, in the same run. Prints rows/s of each, their ratio and the app's peak RSS (VmHWM).
 * Uses its own database (`bench_jobs`, created and migrated) and Redis db 11, emptied first.
 */
const rows = Number(process.env.BENCH_ROWS ?? 500_000);
const databaseUrl = process.env.BENCH_JOBS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_jobs';
const redisUrl = process.env.BENCH_JOBS_REDIS_URL ?? 'redis://127.0.0.1:6379/11';

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

async function writeCsv(path: string, run: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('email,first_name,last_name,company\n');
  const batch: string[] = [];
  for (let i = 1; i <= rows; i++) {
    batch.push(
      `bench.${run}.${i}@example.org,Firstname${i},Lastname${i},"Company Number ${i % 5000}, Incorporated Ltd"\n`,
    );
    if (batch.length === 10_000 || i === rows) {
      if (!out.write(batch.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
      batch.length = 0;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

async function main(): Promise<void> {
  await ensureDatabase();
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = redisUrl;
  migrate();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`TRUNCATE jobs, staging, job_issues, contacts`);
  await db.query(`DROP TABLE IF EXISTS bench_copy_contacts`);
  await db.query(
    `CREATE TABLE bench_copy_contacts (email text, first_name text, last_name text, company text)`,
  );
  execFileSync('redis-cli', ['-u', redisUrl, 'FLUSHDB'], { stdio: 'ignore' });

  const dir = mkdtempSync(join(tmpdir(), 'terrawatch-bench-jobs-'));
  const run = Date.now().toString(36);
  const file = join(dir, 'contacts.csv');
  await writeCsv(file, run);
  const sizeMb = statSync(file).size / 1024 / 1024;

  const email = `bench-${run}@example.org`;
  const password = 'bench-password-1';
  execFileSync(
    process.execPath,
    ['dist/cli.js', 'user:create', '--email', email, '--username', `bench${run}`, '--password', password],
    { stdio: 'ignore', env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } },
  );
  await db.query(`UPDATE users SET groups = '{uploader}' WHERE email = $1`, [email]);

  const app = await startProcess(['dist/main.js'], {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    JOBS_STORAGE_DIR: join(dir, 'storage'),
    JOBS_TMP_DIR: join(dir, 'tmp'),
    JOBS_MAX_UPLOAD_MB: '200',
    THROTTLE_DEFAULT_LIMIT: '100000',
    THROTTLE_LOGIN_LIMIT: '1000',
  });
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
    const form = new FormData();
    form.set('kind', 'contacts');
    form.set('file', await openAsBlob(file, { type: 'text/csv' }), 'contacts.csv');
    const started = performance.now();
    const res = await fetch(`${app.url}/api/v1/jobs/upload`, { method: 'POST', headers, body: form });
    const uploaded = (await res.json()) as { job_id: string; total_rows: number };
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(uploaded)}`);
    const uploadSeconds = (performance.now() - started) / 1000;
    let job: { status: string; loaded_rows: number; error: string | null };
    for (;;) {
      job = (await (
        await fetch(`${app.url}/api/v1/jobs/${uploaded.job_id}`, { headers })
      ).json()) as typeof job;
      if (['COMPLETED', 'NEEDS_REVIEW', 'FAILED'].includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const totalSeconds = (performance.now() - started) / 1000;
    if (job.status !== 'COMPLETED' || job.loaded_rows !== rows) {
      throw new Error(`job ended ${job.status} with ${job.loaded_rows} rows loaded: ${job.error ?? ''}`);
    }
    const rss = peakRssMb(app.child.pid as number);

    const copyStarted = performance.now();
    execFileSync('psql', [
      databaseUrl,
      '-q',
      '-c',
      `\\copy bench_copy_contacts FROM '${file}' WITH (FORMAT csv, HEADER true)`,
    ]);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copied = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_copy_contacts`))
      .rows[0].n;
    if (copied !== rows) throw new Error(`psql copied ${copied} rows`);

    const [timing] = (
      await db.query<{ queued: number; processing: number }>(
        `SELECT extract(epoch FROM process_started_at - created_at)::float AS queued,
                extract(epoch FROM process_ended_at - process_started_at)::float AS processing
         FROM jobs WHERE id = $1`,
        [uploaded.job_id],
      )
    ).rows;
    console.log(
      `${rows} contacts rows, ${sizeMb.toFixed(1)} MB; upload answered in ${uploadSeconds.toFixed(2)} s, ` +
        `queued ${timing.queued.toFixed(2)} s, worker ${timing.processing.toFixed(2)} s (staging, checks, load); ` +
        `app RSS when idle ${idleRss} MB; ` +
        `load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    const ours = rows / totalSeconds;
    const theirs = rows / copySeconds;
    table([
      {
        path: 'terrawatch upload -> COMPLETED',
        seconds: Number(totalSeconds.toFixed(2)),
        'rows/s': Math.round(ours),
        'peak RSS MB': rss,
      },
      {
        path: 'psql \\copy into a bare table',
        seconds: Number(copySeconds.toFixed(2)),
        'rows/s': Math.round(theirs),
      },
    ]);
    console.log(
      `ratio terrawatch / psql: ${(ours / theirs).toFixed(3)}; targets: >= 50000 rows/s ${
        ours >= 50_000 ? 'met' : 'NOT met'
      }, peak RSS < 300 MB ${rss < 300 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await app.stop();
    await db.query(`DROP TABLE IF EXISTS bench_copy_contacts`);
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
