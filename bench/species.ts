import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { mapObisRecord, type MappedObservation } from '../src/species/etl/obis-mapper.js';
import type { ObisRecord } from '../src/species/etl/obis-record.js';
import { ensureDatabase, migrate, startProcess, table } from './lib.js';

/**
 * `npm run bench:species`:
 *  1. BENCH_RECORDS (default 1,000,000) generated OBIS-shaped records served by a fake OBIS API on loopback, loaded by
 *     `refresh-obis-data --mode full` (the ETL's real path: HTTP paging, mapping, WoRMS cache, batched upsert), then
 *     the same run again (every row unchanged); beside a raw COPY of the same mapped rows into the same table.
 *  2. BENCH_QUERIES (default 1,000) radius searches (50 km) at random centres through the API, and the same SQL run
 *     directly; p50/p99 of each.
 * Uses its own database (bench_species) and Redis db 14. BENCH_CLI_FLAGS passes node flags to the ETL process (for
 * example `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes).
 */
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1_000);
const PAGE_SIZE = 10_000;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_species';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

/** Deterministic pseudo-random numbers (mulberry32), so every run loads the same records. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Observations cluster where people look: most around a few hotspots, the rest anywhere at sea. */
const HOTSPOTS: Array<[number, number]> = [
  [3, 56], // North Sea
  [-69, 43], // Gulf of Maine
  [147, -18], // Great Barrier Reef
  [-123, 48], // Salish Sea
  [-9, 38], // Iberian coast
  [14, 68], // Lofoten
  [-80, 25], // Florida Keys
  [135, 34], // Seto Inland Sea
];

function place(random: () => number): [number, number] {
  if (random() < 0.3) {
    const lat = (Math.asin(2 * random() - 1) * 180) / Math.PI;
    return [random() * 360 - 180, lat];
  }
  const [lng, lat] = HOTSPOTS[Math.floor(random() * HOTSPOTS.length)];
  const gauss = () => (random() + random() + random() - 1.5) * 2;
  return [clamp(lng + gauss() * 3, -180, 180), clamp(lat + gauss() * 3, -89, 89)];
}

const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));
const round = (x: number, digits: number) => Number(x.toFixed(digits));
const BASIS = ['HumanObservation', 'Occurrence', 'PreservedSpecimen', 'MachineObservation'];

/** Record i, always the same: ids sort in index order, as OBIS pages by id. */
function record(i: number): ObisRecord {
  const random = rng(i + 1);
  const [lng, lat] = place(random);
  const species = Math.floor(random() * 500);
  const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(random() * 27_000) * 86_400_000);
  const iso = day.toISOString();
  const formats = [
    iso.slice(0, 10),
    `${iso.slice(0, 10)}T10:15:00Z`,
    `${iso.slice(0, 10)}/${iso.slice(0, 10)}`,
    undefined,
  ];
  const eventDate = formats[i % formats.length];
  const depth = random() < 0.6 ? round(random() * 200, 1) : undefined;
  return {
    id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    scientificName: `Species bench${species}`,
    aphiaID: 100_000 + species,
    decimalLatitude: round(lat, 5),
    decimalLongitude: round(lng, 5),
    eventDate,
    date_start: eventDate ? undefined : day.getTime(),
    depth,
    minimumDepthInMeters: depth !== undefined && random() < 0.5 ? depth : undefined,
    sst: round(random() * 30 - 2, 2),
    bathymetry: Math.round(random() * 4000),
    basisOfRecord: BASIS[i % BASIS.length],
    datasetName: `Bench dataset ${species % 40}`,
    vernacularName: species % 10 === 0 ? undefined : `Bench fish ${species}`,
    sex: i % 10 === 0 ? 'female' : undefined,
    dataset_id: `d${species % 40}`,
    flags: [],
    dropped: false,
    absence: false,
  };
}

function indexAfter(after: string | null): number {
  return after ? parseInt(after.slice(-12), 16) + 1 : 0;
}

async function fakeServers(): Promise<{ obisUrl: string; wormsUrl: string; close(): void }> {
  const listen = async (server: Server) => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  };
  const obis = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const start = indexAfter(q.get('after'));
    const end = Math.min(RECORDS, start + Number(q.get('size') ?? 500));
    const results: ObisRecord[] = [];
    for (let i = start; i < end; i++) results.push(record(i));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ total: RECORDS, results }));
  });
  const worms = createServer((_req, res) => {
    res.writeHead(204);
    res.end();
  });
  const [obisUrl, wormsUrl] = [await listen(obis), await listen(worms)];
  return {
    obisUrl,
    wormsUrl,
    close: () => {
      obis.close();
      worms.close();
    },
  };
}

async function runEtl(env: Record<string, string>): Promise<{ seconds: number; summary: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CLI_FLAGS?.split(' ').filter(Boolean) ?? []),
      'dist/cli.js',
      'refresh-obis-data',
      '--mode',
      'full',
    ],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`refresh-obis-data exited with ${code}:\n${out}`);
  return { seconds, summary: out.trim().split('\n').pop() ?? '' };
}

function copyLine(r: MappedObservation): string {
  const esc = (v: string | number | null) =>
    v === null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
  return [
    r.obisId,
    r.speciesName,
    r.commonName,
    r.aphiaId,
    r.observationDate,
    r.observationDatetime,
    `SRID=4326;POINT(${r.longitude} ${r.latitude})`,
    r.locationName,
    r.basisOfRecord,
    r.depthMin,
    r.depthMax,
    r.bathymetry,
    r.temperature,
    r.sex,
    r.datasetName,
    'OBIS',
    JSON.stringify(r.raw),
  ]
    .map(esc)
    .join('\t');
}

async function rawCopy(db: pg.Pool): Promise<number> {
  const client = await db.connect();
  try {
    await client.query('TRUNCATE curated_observations');
    const started = process.hrtime.bigint();
    const stream = client.query(
      copyFrom(
        `COPY curated_observations (obis_id, species_name, common_name, aphia_id, observation_date, observation_datetime,
          location, location_name, basis_of_record, depth_min, depth_max, bathymetry, temperature, sex, dataset_name,
          source, raw) FROM STDIN`,
      ),
    );
    async function* lines() {
      for (let i = 0; i < RECORDS; i += 1000) {
        let chunk = '';
        for (let j = i; j < Math.min(RECORDS, i + 1000); j++) {
          const mapped = mapObisRecord(record(j));
          if (mapped.ok) chunk += `${copyLine(mapped.value)}\n`;
        }
        yield chunk;
      }
    }
    await pipeline(Readable.from(lines()), stream);
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    client.release();
  }
}

function percentile(sorted: number[], p: number): number {
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))], 2);
}

async function radiusQueries(db: pg.Pool, url: string): Promise<Array<Record<string, string | number>>> {
  const random = rng(424242);
  const centres = Array.from({ length: QUERIES }, () => place(random));
  const api: number[] = [];
  const direct: number[] = [];
  let apiRows = 0;
  // Same statement as CuratedSearchService for a radius search without other filters.
  const sql = `SELECT c.id::text AS id, c.obis_id, c.species_name, c.common_name, c.aphia_id,
      to_char(c.observation_date, 'YYYY-MM-DD') AS observation_date, c.observation_datetime,
      ST_X(c.location::geometry) AS lng, ST_Y(c.location::geometry) AS lat, c.location_name, c.basis_of_record,
      c.depth_min, c.depth_max, c.bathymetry, c.temperature, c.sex, c.dataset_name, c.source,
      ST_Distance(c.location, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m
    FROM curated_observations c
    WHERE ST_DWithin(c.location, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3)
    ORDER BY distance_m, c.id LIMIT $4`;
  for (const [lng, lat] of centres.slice(0, 20)) {
    await fetch(`${url}/api/v1/species/observations?lat=${lat}&lng=${lng}&radius_km=50&limit=100`).then((r) =>
      r.text(),
    );
    await db.query(sql, [lng, lat, 50_000, 101]);
  }
  for (const [lng, lat] of centres) {
    let t = process.hrtime.bigint();
    const res = await fetch(
      `${url}/api/v1/species/observations?lat=${lat}&lng=${lng}&radius_km=50&limit=100`,
    );
    const body = (await res.json()) as { items: unknown[] };
    api.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (res.status !== 200) throw new Error(`API answered ${res.status}`);
    apiRows += body.items.length;
    t = process.hrtime.bigint();
    await db.query(sql, [lng, lat, 50_000, 101]);
    direct.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  api.sort((a, b) => a - b);
  direct.sort((a, b) => a - b);
  return [
    {
      path: 'API GET /species/observations',
      queries: QUERIES,
      'p50 ms': percentile(api, 50),
      'p99 ms': percentile(api, 99),
      'mean rows': round(apiRows / QUERIES, 1),
    },
    {
      path: 'direct SQL (pg)',
      queries: QUERIES,
      'p50 ms': percentile(direct, 50),
      'p99 ms': percentile(direct, 99),
      'mean rows': round(apiRows / QUERIES, 1),
    },
  ];
}

async function main(): Promise<void> {
  process.env.DATABASE_URL = DATABASE_URL;
  process.env.REDIS_URL = REDIS_URL;
  await ensureDatabase(DATABASE_URL);
  migrate();
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  await db.query('TRUNCATE curated_observations, etl_runs, worms_vernacular_cache');
  const fakes = await fakeServers();
  const env = {
    OBIS_BASE_URL: fakes.obisUrl,
    WORMS_BASE_URL: fakes.wormsUrl,
    OBIS_PAGE_SIZE: String(PAGE_SIZE),
    OBIS_PAGE_DELAY_MS: '0',
    LOG_LEVEL: 'warn',
  };
  console.log(`Loading ${RECORDS.toLocaleString('en')} OBIS-shaped records (pages of ${PAGE_SIZE}) ...`);
  const load = await runEtl(env);
  console.log(load.summary);
  const rerun = await runEtl(env);
  console.log(rerun.summary);
  const copySeconds = await rawCopy(db);
  await db.query('ANALYZE curated_observations');
  fakes.close();
  // The machine may be shared: the COPY of the same run is the ceiling to compare with.
  const ofCopy = (seconds: number) => `${Math.round((100 * copySeconds) / seconds)}%`;
  table([
    {
      path: 'ETL full run (HTTP + map + upsert), empty table',
      records: RECORDS,
      seconds: round(load.seconds, 1),
      'records/s': Math.round(RECORDS / load.seconds),
      'of COPY': ofCopy(load.seconds),
    },
    {
      path: 'ETL rerun of the same pages (all unchanged)',
      records: RECORDS,
      seconds: round(rerun.seconds, 1),
      'records/s': Math.round(RECORDS / rerun.seconds),
      'of COPY': ofCopy(rerun.seconds),
    },
    {
      path: 'raw COPY of the same mapped rows',
      records: RECORDS,
      seconds: round(copySeconds, 1),
      'records/s': Math.round(RECORDS / copySeconds),
      'of COPY': '100%',
    },
  ]);

  const app = await startProcess(['dist/main.js'], {
    DATABASE_URL,
    REDIS_URL,
    LOG_LEVEL: 'warn',
    THROTTLE_DEFAULT_LIMIT: '100000000',
    SPECIES_CRON_ENABLED: 'false',
  });
  try {
    console.log(`${QUERIES} radius queries (50 km, limit 100) at random centres, one at a time ...`);
    table(await radiusQueries(db, app.url));
  } finally {
    await app.stop();
    await db.end();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
