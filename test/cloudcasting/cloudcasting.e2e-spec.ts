import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromArrayBuffer } from 'geotiff';
import proj4 from 'proj4';
import { Redis } from 'ioredis';
import request from 'supertest';
import { geosProj4 } from '../../src/cloudcasting/geo/geos-projection.js';
import {
  SatPredStoreSpec,
  writeSatPredStore,
  ZarrCodec,
  ZarrFormat,
} from '../../src/cloudcasting/zarr/sat-pred-store-writer.js';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { FakeS3 } from '../helpers/fake-s3.js';

const execFileP = promisify(execFile);
const BUCKET = 'forecasts';
const PREFIX = 'cloudcasting_forecast/latest.zarr';
const CHANNELS = ['IR_108', 'VIS006'];
const STEPS = [15, 30, 45];

/** Linear in geostationary metres, so bilinear resampling reproduces it exactly at any cell centre. */
const fieldV1 = (c: number, s: number, x: number, y: number) => 1000 * c + 10 * s + x / 1e5 - y / 1e6;
const fieldV2 = (c: number, s: number, x: number, y: number) => fieldV1(c, s, x, y) + 5000;

let root: string;
let s3: FakeS3;
let app: AppProcess;
let admin: string;
let user: string;
let env: Record<string, string>;

/** 60 x 40 pixels of 30 km around the UK: most of the Meteosat-11 box at a test-friendly size. */
function storeSpec(
  format: ZarrFormat,
  codec: ZarrCodec,
  field: SatPredStoreSpec['field'],
  lon0 = 9.5,
): SatPredStoreSpec {
  const [cx, cy] = proj4('EPSG:4326', geosProj4(lon0)).forward([-2, 53.5]);
  return {
    format,
    codec,
    initTime: new Date('2025-06-01T12:00:00Z'),
    channels: CHANNELS,
    stepsMinutes: STEPS,
    x: Array.from({ length: 60 }, (_, i) => cx + (i - 29.5) * 30_000),
    y: Array.from({ length: 40 }, (_, j) => cy - (j - 19.5) * 30_000),
    platformName: lon0 === 0 ? 'Meteosat-10' : 'Meteosat-11',
    dimNaming: format === 2 ? 'new' : 'legacy',
    field,
  };
}

/** Replaces the store in the bucket; its metadata's LastModified moves `ageSeconds` later than now. */
async function publishStore(spec: SatPredStoreSpec, laterBySeconds = 0): Promise<void> {
  const dir = join(root, 's3', BUCKET, PREFIX);
  await rm(dir, { recursive: true, force: true });
  await writeSatPredStore(dir, spec);
  const when = new Date(Date.now() + laterBySeconds * 1000);
  for (const key of ['zarr.json', '.zmetadata', '.zgroup'])
    await utimes(join(dir, key), when, when).catch(() => undefined);
}

async function trigger(force = false): Promise<string> {
  const res = await request(app.url)
    .post('/api/v1/cloudcasting/trigger-download')
    .set('Authorization', `Bearer ${admin}`)
    .send({ force })
    .expect(202);
  return (res.body as { job_id: string }).job_id;
}

interface DownloadStatus {
  is_running: boolean;
  current_task: string | null;
  progress: number;
  last_completed: string | null;
  error: string | null;
  job_id: string | null;
}

async function waitForJob(jobId: string): Promise<DownloadStatus> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await request(app.url).get('/api/v1/cloudcasting/download-status').expect(200);
    const status = res.body as DownloadStatus;
    if (status.job_id === jobId && !status.is_running && status.current_task !== 'starting') return status;
    if (Date.now() > deadline) throw new Error(`Job ${jobId} did not finish: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function fetchTiff(channel: string, step: number) {
  const res = await request(app.url)
    .get(`/api/v1/cloudcasting/layers/${channel}/${step}.tif`)
    .set('Authorization', `Bearer ${user}`)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return res;
}

async function readTiff(body: Buffer) {
  const tiff = await fromArrayBuffer(new Uint8Array(body).buffer as ArrayBuffer);
  const image = await tiff.getImage();
  const [band] = (await image.readRasters()) as unknown as Float32Array[];
  return { image, band };
}

/** The value the layer must hold at (lon, lat): the field at the centre of the cell containing it. */
function expectedAt(
  field: SatPredStoreSpec['field'],
  c: number,
  s: number,
  lon: number,
  lat: number,
  origin: { west: number; north: number },
  lon0 = 9.5,
) {
  const col = Math.floor((lon - origin.west) / 0.075);
  const row = Math.floor((origin.north - lat) / 0.075);
  const centre = [origin.west + (col + 0.5) * 0.075, origin.north - (row + 0.5) * 0.075];
  const [x, y] = proj4('EPSG:4326', geosProj4(lon0)).forward(centre);
  return { col, row, value: field(c, s, x, y) };
}

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  root = await mkdtemp(join(tmpdir(), 'cloudcasting-e2e-'));
  s3 = new FakeS3(join(root, 's3'), 5); // small pages: the listing must follow continuation tokens
  await s3.start();
  await publishStore(storeSpec(3, 'gzip', fieldV1));
  env = {
    CLOUDCASTING_SOURCE: 's3',
    CLOUDCASTING_S3_BUCKET: BUCKET,
    CLOUDCASTING_S3_PREFIX: PREFIX,
    CLOUDCASTING_S3_ENDPOINT: s3.url,
    CLOUDCASTING_S3_FORCE_PATH_STYLE: 'true',
    CLOUDCASTING_S3_REGION: 'us-east-1',
    CLOUDCASTING_S3_ACCESS_KEY_ID: 'test-key',
    CLOUDCASTING_S3_SECRET_ACCESS_KEY: 'test-secret',
    CLOUDCASTING_DATA_DIR: join(root, 'data'),
    CLOUDCASTING_CRON_ENABLED: 'false',
    CLOUDCASTING_DOWNLOAD_RETRIES: '1',
    CLOUDCASTING_KEEP_SETS: '1',
  };
  app = await startApp(env);
  admin = (await signedIn(app.url, { role: 'admin' })).token;
  user = (await signedIn(app.url)).token;
});

afterAll(async () => {
  await app?.stop();
  await s3?.stop();
  await closeDb();
  await rm(root, { recursive: true, force: true });
});

describe('before any forecast', () => {
  it('documents every route in Swagger', async () => {
    const docs = await request(app.url).get('/api/docs-json').expect(200);
    const paths = Object.keys((docs.body as { paths: Record<string, unknown> }).paths);
    for (const route of [
      'status',
      'trigger-download',
      'download-status',
      'data-info',
      'forecasts',
      'layers',
      'layers/{channel}/{step}.tif',
      'point',
    ])
      expect(paths).toContain(`/api/v1/cloudcasting/${route}`);
  });

  it('says nothing is published and refuses layers with a 404 naming channel and step', async () => {
    const layers = await request(app.url).get('/api/v1/cloudcasting/layers').expect(200);
    expect(layers.body).toMatchObject({ available: false, channels: [], steps: [] });
    const info = await request(app.url).get('/api/v1/cloudcasting/data-info').expect(200);
    expect(info.body).toMatchObject({ file_exists: false, init_time: null, error: null });
    const missing = await fetchTiff('IR_108', 0);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString())).toMatchObject({
      code: 'LAYER_NOT_FOUND',
      message: expect.stringMatching(/IR_108.*step 0/),
    });
  });

  it('requires a token for layers and the admin role to trigger', async () => {
    await request(app.url).get('/api/v1/cloudcasting/layers/IR_108/0.tif').expect(401);
    await request(app.url).get('/api/v1/cloudcasting/point?lon=0&lat=50&channel=IR_108').expect(401);
    await request(app.url)
      .post('/api/v1/cloudcasting/trigger-download')
      .set('Authorization', `Bearer ${user}`)
      .send({})
      .expect(403);
  });
});

describe('a v3 gzip store on S3', () => {
  let setId: string;

  it('triggers a download (409 with the job id while it runs), then publishes every layer', async () => {
    s3.delayMs = 300;
    const jobId = await trigger();
    expect(jobId).toMatch(/^manual-/);
    const busy = await request(app.url)
      .post('/api/v1/cloudcasting/trigger-download')
      .set('Authorization', `Bearer ${admin}`)
      .send({})
      .expect(409);
    expect(busy.body).toMatchObject({ code: 'DOWNLOAD_RUNNING', details: { job_id: jobId } });
    const running = await request(app.url).get('/api/v1/cloudcasting/download-status').expect(200);
    expect(running.body).toMatchObject({ is_running: true, job_id: jobId });
    const status = await waitForJob(jobId);
    s3.delayMs = 0;
    expect(status).toMatchObject({
      is_running: false,
      current_task: 'published',
      progress: 100,
      error: null,
    });
    expect(status.last_completed).not.toBeNull();
    // The source was listed and every object fetched through the S3 API.
    expect(s3.requests).toContain(`HEAD ${BUCKET}/${PREFIX}/zarr.json`);
    expect(s3.requests).toContain(`GET ${BUCKET}/${PREFIX}/sat_pred/c/0/1/2/0/0`);

    const [row] = await sql<Record<string, unknown>>(`SELECT * FROM cloudcasting_forecasts`);
    expect(row).toMatchObject({
      layer_count: 6,
      channels: CHANNELS,
      steps_minutes: STEPS,
      width: 454,
      height: 307,
      platform_name: 'Meteosat-11',
      lon0: 9.5,
      job_id: jobId,
    });
    expect((row.init_time as Date).toISOString()).toBe('2025-06-01T12:00:00.000Z');
    setId = row.set_id as string;
  });

  it('lists channels and steps and describes the data', async () => {
    const layers = await request(app.url).get('/api/v1/cloudcasting/layers').expect(200);
    expect(layers.body).toMatchObject({
      available: true,
      set_id: setId,
      init_time: '2025-06-01T12:00:00.000Z',
      channels: CHANNELS,
      steps: [
        { index: 0, minutes: 15, valid_time: '2025-06-01T12:15:00.000Z' },
        { index: 1, minutes: 30, valid_time: '2025-06-01T12:30:00.000Z' },
        { index: 2, minutes: 45, valid_time: '2025-06-01T12:45:00.000Z' },
      ],
      grid: { west: -19, north: 65, resolution: 0.075, width: 454, height: 307 },
    });
    const info = await request(app.url).get('/api/v1/cloudcasting/data-info').expect(200);
    expect(info.body).toMatchObject({
      file_exists: true,
      init_time: '2025-06-01T12:00:00.000Z',
      forecast_steps: [0, 1, 2],
      variables: CHANNELS,
      forecast_steps_minutes: STEPS,
      time_range: {
        start: '2025-06-01T12:15:00.000Z',
        end: '2025-06-01T12:45:00.000Z',
        total_forecast_steps: 3,
      },
      error: null,
    });
    expect(info.body.file_size_mb).toBeGreaterThan(0);
    const status = await request(app.url).get('/api/v1/cloudcasting/status').expect(200);
    expect(status.body).toMatchObject({
      configured: true,
      source: expect.stringContaining(`s3://${BUCKET}/${PREFIX}`),
      schedule: null,
      current: { set_id: setId, layer_count: 6 },
      download: { is_running: false },
    });
    const history = await request(app.url).get('/api/v1/cloudcasting/forecasts?limit=5').expect(200);
    expect(history.body).toMatchObject({ total: 1, limit: 5, offset: 0, items: [{ set_id: setId }] });
  });

  it('serves a georeferenced float32 GeoTIFF holding the field at known places', async () => {
    const res = await fetchTiff('VIS006', 2);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/tiff');
    expect(res.headers['content-disposition']).toContain('filename="VIS006_step_2.tif"');
    expect(res.headers.etag).toBe(`"${setId}-VIS006-2"`);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(res.headers['accept-ranges']).toBe('bytes');
    const { image, band } = await readTiff(res.body as Buffer);
    expect(image.getOrigin()).toEqual([-19, 65, 0]);
    expect(image.getResolution()).toEqual([0.075, -0.075, 0]);
    expect(image.getGeoKeys()).toMatchObject({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326 });
    expect(image.getGDALNoData()).toBeNaN();
    expect(image.isTiled).toBe(true);
    for (const [lon, lat] of [
      [-0.1275, 51.5072], // London
      [-3.19, 55.95], // Edinburgh
      [4.9, 52.37], // Amsterdam
    ]) {
      const { col, row, value } = expectedAt(fieldV1, 1, 2, lon, lat, { west: -19, north: 65 });
      expect(band[row * 454 + col]).toBeCloseTo(value, 2);
    }
    // The far south-east corner is outside the 60 x 40 source: nodata, not zero.
    expect(band[306 * 454 + 453]).toBeNaN();
  });

  it('answers Range and If-None-Match', async () => {
    const full = await fetchTiff('IR_108', 0);
    const partial = await request(app.url)
      .get('/api/v1/cloudcasting/layers/IR_108/0.tif')
      .set('Authorization', `Bearer ${user}`)
      .set('Range', 'bytes=0-99')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(206);
    expect(partial.headers['content-range']).toBe(`bytes 0-99/${(full.body as Buffer).length}`);
    expect((partial.body as Buffer).equals((full.body as Buffer).subarray(0, 100))).toBe(true);
    await request(app.url)
      .get('/api/v1/cloudcasting/layers/IR_108/0.tif')
      .set('Authorization', `Bearer ${user}`)
      .set('If-None-Match', full.headers.etag as string)
      .expect(304);
    for (const range of ['bytes=999999999-1', `bytes=${(full.body as Buffer).length}-`]) {
      const unsatisfiable = await request(app.url)
        .get('/api/v1/cloudcasting/layers/IR_108/0.tif')
        .set('Authorization', `Bearer ${user}`)
        .set('Range', range)
        .expect(416);
      expect(unsatisfiable.headers['content-range']).toBe(`bytes */${(full.body as Buffer).length}`);
      expect(unsatisfiable.body).toMatchObject({
        statusCode: 416,
        code: 'RANGE_NOT_SATISFIABLE',
        requestId: expect.any(String),
      });
    }
  });

  it('refuses unknown channels and steps out of range with 400', async () => {
    const unknown = await fetchTiff('IR_999', 0);
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ code: 'UNKNOWN_CHANNEL' });
    const outOfRange = await fetchTiff('IR_108', 3);
    expect(outOfRange.status).toBe(400);
    expect(JSON.parse(outOfRange.body.toString())).toMatchObject({
      code: 'STEP_OUT_OF_RANGE',
      message: expect.stringMatching(/0 to 2/),
    });
    const notANumber = await fetchTiff('IR_108', 'x' as unknown as number);
    expect(notANumber.status).toBe(400);
  });

  it('gives the time series at a point', async () => {
    const res = await request(app.url)
      .get('/api/v1/cloudcasting/point?lon=-0.1275&lat=51.5072&channel=IR_108')
      .set('Authorization', `Bearer ${user}`)
      .expect(200);
    expect(res.body).toMatchObject({
      channel: 'IR_108',
      set_id: setId,
      init_time: '2025-06-01T12:00:00.000Z',
    });
    expect(res.body.values).toHaveLength(3);
    STEPS.forEach((minutes, s) => {
      const { value } = expectedAt(fieldV1, 0, s, -0.1275, 51.5072, { west: -19, north: 65 });
      expect(res.body.values[s]).toMatchObject({ step: s, minutes });
      expect(res.body.values[s].value).toBeCloseTo(value, 2);
    });
    await request(app.url)
      .get('/api/v1/cloudcasting/point?lon=40&lat=10&channel=IR_108')
      .set('Authorization', `Bearer ${user}`)
      .expect(400)
      .expect((r) => expect(r.body.code).toBe('POINT_OUTSIDE_GRID'));
    await request(app.url)
      .get('/api/v1/cloudcasting/point?lon=abc&lat=10&channel=IR_108')
      .set('Authorization', `Bearer ${user}`)
      .expect(400);
  });

  it('does nothing when triggered again with an unchanged store', async () => {
    const requestsBefore = s3.requests.length;
    const jobId = await trigger();
    const status = await waitForJob(jobId);
    expect(status).toMatchObject({ current_task: 'up to date', error: null });
    const [{ count }] = await sql<{ count: string }>(`SELECT count(*) FROM cloudcasting_forecasts`);
    expect(count).toBe('1');
    // Only the metadata HEAD: no listing, no chunk fetched.
    expect(s3.requests.slice(requestsBefore).every((r) => r.startsWith('HEAD '))).toBe(true);
  });

  it('keeps serving the previous set when a download fails, then publishes the fixed store', async () => {
    await publishStore(storeSpec(3, 'gzip', fieldV2), 60);
    s3.failGets = /sat_pred\/c\/0\/1\//;
    const failedJob = await trigger();
    const failed = await waitForJob(failedJob);
    expect(failed).toMatchObject({ current_task: 'failed', is_running: false });
    expect(failed.error).toMatch(/InternalError|500|failed/i);
    const info = await request(app.url).get('/api/v1/cloudcasting/data-info').expect(200);
    expect(info.body).toMatchObject({ file_exists: true, error: failed.error });
    const layers = await request(app.url).get('/api/v1/cloudcasting/layers').expect(200);
    expect(layers.body.set_id).toBe(setId);
    const stillServed = await fetchTiff('VIS006', 2);
    expect(stillServed.status).toBe(200);
    const { band } = await readTiff(stillServed.body as Buffer);
    const london = expectedAt(fieldV1, 1, 2, -0.1275, 51.5072, { west: -19, north: 65 });
    expect(band[london.row * 454 + london.col]).toBeCloseTo(london.value, 2);
    // No half-built set is left behind.
    expect((await readdir(join(root, 'data', 'sets'))).filter((e) => e.startsWith('.'))).toEqual([]);

    s3.failGets = null;
    const retried = await waitForJob(await trigger());
    expect(retried).toMatchObject({ current_task: 'published', error: null });
    const fresh = await request(app.url).get('/api/v1/cloudcasting/layers').expect(200);
    expect(fresh.body.set_id).not.toBe(setId);
    const { band: newBand } = await readTiff((await fetchTiff('VIS006', 2)).body as Buffer);
    expect(newBand[london.row * 454 + london.col]).toBeCloseTo(
      fieldV2(1, 2, 0, 0) - fieldV1(1, 2, 0, 0) + london.value,
      2,
    );
    // CLOUDCASTING_KEEP_SETS=1: the old set is gone from disk.
    expect(await readdir(join(root, 'data', 'sets'))).toEqual([fresh.body.set_id]);
  });
});

describe('a v2 blosc store from Meteosat-10 (init_time_utc / channel dims)', () => {
  it('converts on the Meteosat-10 grid with lon_0 = 0', async () => {
    await publishStore(storeSpec(2, 'blosc', fieldV1, 0), 120);
    const status = await waitForJob(await trigger());
    expect(status).toMatchObject({ current_task: 'published', error: null });
    const layers = await request(app.url).get('/api/v1/cloudcasting/layers').expect(200);
    expect(layers.body.grid).toMatchObject({ west: -25, north: 70, width: 667, height: 467 });
    expect(s3.requests).toContain(`HEAD ${BUCKET}/${PREFIX}/.zmetadata`);
    const { image, band } = await readTiff((await fetchTiff('IR_108', 1)).body as Buffer);
    expect(image.getOrigin()).toEqual([-25, 70, 0]);
    const paris = expectedAt(fieldV1, 0, 1, 2.35, 48.86, { west: -25, north: 70 }, 0);
    expect(band[paris.row * 667 + paris.col]).toBeCloseTo(paris.value, 2);
    const [row] = await sql<{ lon0: number; platform_name: string }>(
      `SELECT lon0, platform_name FROM cloudcasting_forecasts ORDER BY processed_at DESC LIMIT 1`,
    );
    expect(row).toEqual({ lon0: 0, platform_name: 'Meteosat-10' });
  });
});

describe('CLI cloudcasting:download', () => {
  it('reports an unchanged source, and converts with --force', async () => {
    const cliEnv = { ...process.env, ...env };
    const unchanged = await execFileP(process.execPath, ['dist/cli.js', 'cloudcasting:download'], {
      env: cliEnv,
      timeout: 30_000,
    });
    expect(unchanged.stdout).toMatch(/Up to date/);
    const forced = await execFileP(process.execPath, ['dist/cli.js', 'cloudcasting:download', '--force'], {
      env: cliEnv,
      timeout: 30_000,
    });
    expect(forced.stdout).toMatch(/Published 6 layers \(2 channels x 3 steps, 667x467\)/);
    const [{ count }] = await sql<{ count: string }>(
      `SELECT count(*) FROM cloudcasting_forecasts WHERE job_id LIKE 'cli-%'`,
    );
    expect(count).toBe('1');
    const unconfigured = await execFileP(process.execPath, ['dist/cli.js', 'cloudcasting:download'], {
      env: { ...cliEnv, CLOUDCASTING_S3_BUCKET: '' },
      timeout: 30_000,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(unconfigured).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/source is not configured/),
    });
  });
});

describe('the schedule on two replicas', () => {
  it('queues one job per tick across replicas (deterministic job id) and the job finds nothing new', async () => {
    const cronEnv = { ...env, CLOUDCASTING_CRON_ENABLED: 'true', CLOUDCASTING_CRON: '* * * * * *' };
    const replicas = await Promise.all([startApp(cronEnv), startApp(cronEnv)]);
    try {
      const status = await request(replicas[0].url).get('/api/v1/cloudcasting/status').expect(200);
      expect(status.body.schedule).toBe('* * * * * *');
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
    const redis = new Redis(process.env.REDIS_URL as string);
    const keys = await redis.keys('terrawatch:cloudcasting:scheduled-*');
    await redis.quit();
    // Both replicas ticked every second; every tick of one minute shares one id, so one job (two across a minute).
    const ids = new Set(keys.map((k) => k.split(':')[2]));
    expect(ids.size).toBeGreaterThanOrEqual(1);
    expect(ids.size).toBeLessThanOrEqual(2);
    const finished = await waitForJob([...ids].sort()[ids.size - 1]);
    expect(finished).toMatchObject({ current_task: 'up to date', error: null });
  });
});
