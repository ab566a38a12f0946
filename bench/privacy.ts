import pg from 'pg';
import { ensureDatabase, migrate, peakRssMb, startProcess, table } from './lib.js';

/**
 * `npm run bench:privacy`: one user with BENCH_ROWS (default 200,000) sightings and as many staged rows of one job
 * (the two tables a user can fill), next to nothing else. Measures `GET /api/v1/me/export` (the whole streamed
 * document: seconds, MB, MB/s, the app's peak resident memory before and after) and `DELETE /api/v1/me` (the one
 * transaction across modules). BENCH_APP_HEAP_MB runs the app with that old-generation cap (`--max-old-space-size`).
 * Uses its own database (bench_privacy) and Redis db 13.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_privacy';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const PASSWORD = 'bench-password-1';

const round = (x: number, digits: number) => Number(x.toFixed(digits));

async function main(): Promise<void> {
  process.env.DATABASE_URL = DATABASE_URL;
  process.env.REDIS_URL = REDIS_URL;
  await ensureDatabase(DATABASE_URL);
  migrate();
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const app = await startProcess(['dist/main.js'], {
    LOG_LEVEL: 'warn',
    SPECIES_CRON_ENABLED: 'false',
    CLOUDCASTING_CRON_ENABLED: 'false',
    THROTTLE_DEFAULT_LIMIT: '100000000',
    THROTTLE_LOGIN_LIMIT: '1000',
    THROTTLE_REGISTER_LIMIT: '1000',
    // BENCH_APP_HEAP_MB caps the app's old generation: an export that held the document would die under the cap.
    ...(process.env.BENCH_APP_HEAP_MB
      ? { NODE_OPTIONS: `--max-old-space-size=${process.env.BENCH_APP_HEAP_MB}` }
      : {}),
  });
  try {
    const run = `privacy${Date.now().toString(36)}`;
    const email = `${run}@example.org`;
    const registered = await fetch(`${app.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, username: run, password: PASSWORD }),
    });
    const { id: userId } = (await registered.json()) as { id: string };
    await db.query(`UPDATE users SET email_verified = true WHERE id = $1`, [userId]);
    const login = (await (
      await fetch(`${app.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      })
    ).json()) as { access_token: string };
    const auth = { Authorization: `Bearer ${login.access_token}` };

    console.log(
      `Seeding ${ROWS.toLocaleString('en')} sightings and ${ROWS.toLocaleString('en')} staged rows ...`,
    );
    await db.query(
      `INSERT INTO observations (owner_id, species_name, common_name, location, observation_datetime, location_name, notes)
       SELECT $1, 'Mola mola', 'Ocean Sunfish', ST_SetSRID(ST_MakePoint(-4 + i / 1e6, 50), 4326)::geography,
              now() - i * interval '1 minute', 'Plymouth Sound', 'basking at the surface, sighting ' || i
       FROM generate_series(1, $2) AS i`,
      [userId, ROWS],
    );
    const [job] = (
      await db.query<{ id: string }>(
        `INSERT INTO jobs (owner_id, kind, original_filename, content_hash, storage_key, encoding, size_bytes, status)
         VALUES ($1, 'contacts', 'bench.csv', md5(random()::text), $2, 'utf-8', 0, 'NEEDS_REVIEW') RETURNING id`,
        [userId, `uploads/${userId}/bench.csv`],
      )
    ).rows;
    await db.query(
      `INSERT INTO staging (job_id, row_number, row_hash, data, status)
       SELECT $1, i, md5(i::text), jsonb_build_object('email', 'person' || i || '@example.org', 'first_name', 'First',
              'last_name', 'Last ' || i), 'READY'
       FROM generate_series(1, $2) AS i`,
      [job.id, ROWS],
    );
    await db.query('ANALYZE observations; ANALYZE staging');

    const rssBefore = peakRssMb(app.child.pid!);
    const exportStart = performance.now();
    const res = await fetch(`${app.url}/api/v1/me/export`, { headers: auth });
    let bytes = 0;
    for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const rssAfter = peakRssMb(app.child.pid!);
    if (res.status !== 200) throw new Error(`export answered ${res.status}`);

    const eraseStart = performance.now();
    const erased = await fetch(`${app.url}/api/v1/me`, {
      method: 'DELETE',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ confirm: 'DELETE MY ACCOUNT', password: PASSWORD }),
    });
    const eraseSeconds = (performance.now() - eraseStart) / 1000;
    if (erased.status !== 200) throw new Error(`erasure answered ${erased.status}: ${await erased.text()}`);
    const left = await db.query(`SELECT count(*) AS n FROM staging WHERE job_id = $1`, [job.id]);

    const mb = bytes / 1024 / 1024;
    table([
      {
        step: 'GET /me/export (streamed)',
        rows: 2 * ROWS,
        seconds: round(exportSeconds, 2),
        MB: round(mb, 1),
        'MB/s': round(mb / exportSeconds, 1),
        'rows/s': Math.round((2 * ROWS) / exportSeconds),
        'app peak RSS MB (before -> after)': `${rssBefore} -> ${rssAfter}`,
      },
      {
        step: 'DELETE /me (one transaction)',
        rows: 2 * ROWS,
        seconds: round(eraseSeconds, 2),
        MB: '',
        'MB/s': '',
        'rows/s': Math.round((2 * ROWS) / eraseSeconds),
        'app peak RSS MB (before -> after)': `staged rows left: ${left.rows[0].n}`,
      },
    ]);
  } finally {
    await app.stop();
    await db.end();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
