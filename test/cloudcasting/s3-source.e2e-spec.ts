import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { S3ZarrSource } from '../../src/cloudcasting/source/s3-zarr-source.js';
import { downloadStore } from '../../src/cloudcasting/source/zarr-source.js';
import { readSatPred } from '../../src/cloudcasting/zarr/sat-pred-reader.js';
import { writeSatPredStore } from '../../src/cloudcasting/zarr/sat-pred-store-writer.js';
import { FakeS3 } from '../helpers/fake-s3.js';

/**
 * The S3 adapter end to end through the S3 API alone: a v2 store with zstd chunks is uploaded with the SDK's
 * CreateBucket and PutObject, then found, listed, downloaded and read back.
 */
const credentials = { accessKeyId: 'test-key', secretAccessKey: 'test-secret' };
let root: string;
let server: FakeS3;
let endpoint: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cloudcasting-s3-'));
  server = new FakeS3(join(root, 's3'));
  await server.start();
  endpoint = server.url;
});

afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

it('finds, lists, downloads and reads a v2 zstd store', async () => {
  const local = join(root, 'written');
  const field = (c: number, s: number, x: number, y: number) => c * 100 + s + x / 1e6 + y / 1e7;
  await writeSatPredStore(local, {
    format: 2,
    codec: 'zstd',
    initTime: new Date('2025-03-01T06:00:00Z'),
    channels: ['IR_016', 'WV_073'],
    stepsMinutes: [15, 30],
    x: Array.from({ length: 30 }, (_, i) => -600_000 + i * 3000),
    y: Array.from({ length: 20 }, (_, j) => 4_900_000 - j * 3000),
    platformName: 'Meteosat-11',
    field,
  });
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  await client.send(new CreateBucketCommand({ Bucket: 'ocf-forecasts' }));
  const files = (await readdir(local, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  for (const file of files) {
    const path = join(file.parentPath, file.name);
    await client.send(
      new PutObjectCommand({
        Bucket: 'ocf-forecasts',
        Key: `cloudcasting_forecast/latest.zarr/${relative(local, path)}`,
        Body: await readFile(path),
      }),
    );
  }
  client.destroy();

  const source = new S3ZarrSource({
    bucket: 'ocf-forecasts',
    prefix: 'cloudcasting_forecast/latest.zarr/',
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials,
  });
  const version = await source.version();
  expect(version?.key).toBe('.zmetadata');
  expect(version?.lastModified.getTime()).toBeGreaterThan(Date.now() - 120_000);
  const objects = await source.list();
  expect(objects.map((o) => o.key).sort()).toEqual(
    files.map((f) => relative(local, join(f.parentPath, f.name))).sort(),
  );

  const target = join(root, 'downloaded');
  const result = await downloadStore(source, target, { concurrency: 4, retries: 1 });
  expect(result.files).toBe(files.length);
  const forecast = await readSatPred(target);
  expect(forecast.channels).toEqual(['IR_016', 'WV_073']);
  expect(forecast.initTime?.toISOString()).toBe('2025-03-01T06:00:00.000Z');
  const at = ((1 * 2 + 1) * 20 + 5) * 30 + 7;
  expect(forecast.data[at]).toBeCloseTo(field(1, 1, -600_000 + 7 * 3000, 4_900_000 - 5 * 3000), 4);

  const missing = new S3ZarrSource({
    bucket: 'ocf-forecasts',
    prefix: 'nothing/here.zarr',
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials,
  });
  expect(await missing.version()).toBeNull();
});
