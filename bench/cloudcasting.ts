import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { convertForecast } from '../src/cloudcasting/layers/forecast-converter.js';
import { LayerSetStore } from '../src/cloudcasting/layers/layer-set-store.js';
import { readSatPred } from '../src/cloudcasting/zarr/sat-pred-reader.js';
import { writeSatPredStore } from '../src/cloudcasting/zarr/sat-pred-store-writer.js';
import { syntheticForecast } from '../src/cloudcasting/zarr/synthetic-forecast.js';
import { peakRssMb, table } from './lib.js';

/**
 * `npm run bench:cloudcasting`: writes a full-size forecast store (1 x 11 x 12 x 372 x 614 float32, Zarr v2 with
 * blosc/lz4 like the OCF files), then
 *   1. converts it in this process (read + regrid + GeoTIFF for all 132 layers): seconds, MB/s, peak RSS;
 *   2. runs the whole job as production does (`cloudcasting:download --force` from a file:// source, with the
 *      database row and the atomic publish) in a child process: wall time and its peak RSS;
 *   3. times `gdal_translate` on one layer of the same store (when GDAL is installed) and prints the ratio.
 * Uses the bench_cloudcasting database and Redis db 13 unless DATABASE_URL / REDIS_URL say otherwise.
 */
const OUT = resolve('bench/out/cloudcasting');
const STORE = join(OUT, 'store.zarr');
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_cloudcasting';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const WIDTH = 614;
const HEIGHT = 372;
const LAYERS = 11 * 12;
const CONVERSION = {
  resolution: 0.075,
  boxes: {
    meteosat11: { west: -19, south: 42, east: 15, north: 65 },
    meteosat10: { west: -25, south: 35, east: 25, north: 70 },
  },
  deflateLevel: Number(process.env.CLOUDCASTING_DEFLATE_LEVEL ?? 1),
  predictor: Number(process.env.CLOUDCASTING_TIFF_PREDICTOR ?? 3) as 1 | 3,
};

async function ensureDatabase(): Promise<void> {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = new pg.Client({ connectionString: DATABASE_URL.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  execFileSync(process.execPath, ['dist/cli.js', 'migrate'], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL, REDIS_URL },
  });
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

async function inProcess() {
  const store = new LayerSetStore(join(OUT, 'in-process'));
  const draft = await store.begin(store.newSetId());
  const started = process.hrtime.bigint();
  const forecast = await readSatPred(STORE);
  const read = Number(process.hrtime.bigint() - started) / 1e9;
  const result = await convertForecast(forecast, draft, CONVERSION);
  const total = Number(process.hrtime.bigint() - started) / 1e9;
  await draft.discard();
  return { read, total, bytes: result.totalBytes, grid: result.grid };
}

async function endToEnd(): Promise<{ seconds: number; rssMb: number; line: string }> {
  const dataDir = join(OUT, 'data');
  await rm(dataDir, { recursive: true, force: true });
  const started = Date.now();
  const child = spawn(process.execPath, ['dist/cli.js', 'cloudcasting:download', '--force'], {
    env: {
      ...process.env,
      DATABASE_URL,
      REDIS_URL,
      LOG_LEVEL: 'warn',
      CLOUDCASTING_SOURCE: `file://${STORE}`,
      CLOUDCASTING_DATA_DIR: dataDir,
      CLOUDCASTING_DEFLATE_LEVEL: String(CONVERSION.deflateLevel),
      CLOUDCASTING_TIFF_PREDICTOR: String(CONVERSION.predictor),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  // VmHWM only grows, so the last reading before exit is the peak.
  let rssMb = 0;
  const poll = setInterval(() => {
    try {
      rssMb = Math.max(rssMb, peakRssMb(child.pid as number));
    } catch {
      // exited between two polls
    }
  }, 25);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(poll);
  if (code !== 0) throw new Error(`cloudcasting:download exited with ${code}:\n${output}`);
  const line = output.split('\n').find((l) => l.startsWith('Published')) ?? output.trim();
  return { seconds: (Date.now() - started) / 1000, rssMb, line };
}

function gdalTranslate(perLayerSeconds: number): Array<Record<string, string | number>> {
  const probe = spawnSync('gdal_translate', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.log(
      'gdal_translate is not installed (apt-get install -y gdal-bin): skipping the GDAL comparison',
    );
    return [];
  }
  const target = join(OUT, 'gdal-layer.tif');
  const args = [
    '-q',
    '-of',
    'GTiff',
    '-co',
    'COMPRESS=DEFLATE',
    '-co',
    'TILED=YES',
    '-co',
    'PREDICTOR=3',
    `ZARR:"${STORE}":/sat_pred:0:4:0`,
    target,
  ];
  const runs = 3;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const result = spawnSync('gdal_translate', args, { encoding: 'utf8' });
    if (result.status !== 0) {
      console.log(`gdal_translate failed: ${result.stderr}`);
      return [];
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9 / runs;
  return [
    {
      what: `gdal_translate, one layer (${probe.stdout.trim()}; no regridding)`,
      'seconds per layer': Number(seconds.toFixed(3)),
      'x 132 layers (s)': Number((seconds * LAYERS).toFixed(1)),
      'ratio gdal / terrawatch per layer': Number((seconds / perLayerSeconds).toFixed(1)),
    },
  ];
}

async function main(): Promise<void> {
  await ensureDatabase();
  await mkdir(OUT, { recursive: true });
  await rm(STORE, { recursive: true, force: true });
  const generated = Date.now();
  await writeSatPredStore(
    STORE,
    syntheticForecast({
      format: 2,
      codec: 'blosc',
      width: WIDTH,
      height: HEIGHT,
      pixelMetres: 3000,
      initTime: new Date('2025-06-01T12:00:00Z'),
    }),
  );
  const storeMb = (await directorySize(STORE)) / 1024 / 1024;
  const rawMb = (LAYERS * WIDTH * HEIGHT * 4) / 1024 / 1024;
  console.log(
    `Store: 1 x 11 x 12 x ${HEIGHT} x ${WIDTH} float32 (${rawMb.toFixed(0)} MB raw, ${storeMb.toFixed(0)} MB blosc/lz4 on disk), ` +
      `written in ${((Date.now() - generated) / 1000).toFixed(1)} s; DEFLATE level ${CONVERSION.deflateLevel}, predictor ${CONVERSION.predictor}`,
  );

  const local = await inProcess();
  const e2e = await endToEnd();
  const rows: Array<Record<string, string | number>> = [
    {
      what: `convert in process: read + regrid + ${LAYERS} GeoTIFFs ${local.grid.width}x${local.grid.height}`,
      seconds: Number(local.total.toFixed(2)),
      'of which read (s)': Number(local.read.toFixed(2)),
      'MB/s (raw input)': Number((rawMb / local.total).toFixed(1)),
      'peak RSS MB': Math.round(process.resourceUsage().maxRSS / 1024),
      'output MB': Number((local.bytes / 1024 / 1024).toFixed(1)),
    },
    {
      what: 'cloudcasting:download --force (CLI process: copy, convert, publish, DB row)',
      seconds: Number(e2e.seconds.toFixed(2)),
      'MB/s (raw input)': Number((rawMb / e2e.seconds).toFixed(1)),
      'peak RSS MB': e2e.rssMb,
    },
  ];
  table(rows);
  console.log(e2e.line);
  const gdal = gdalTranslate(local.total / LAYERS);
  if (gdal.length) table(gdal);
  const verdict = (ok: boolean) => (ok ? 'within' : 'OUTSIDE');
  console.log(
    `Target (whole set < 5 s, peak RSS < 500 MB): conversion ${local.total.toFixed(2)} s ${verdict(local.total < 5)}, ` +
      `CLI job peak RSS ${e2e.rssMb} MB ${verdict(e2e.rssMb < 500)}`,
  );
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
