import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { contactsCsv, upload, waitForJob } from './jobs-helpers.js';

const bucket = 'terrawatch-jobs';
const directory = mkdtempSync(join(tmpdir(), 'terrawatch-s3-'));
let fakeS3: FakeS3;
let s3: S3Client;
let app: AppProcess;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  fakeS3 = new FakeS3(directory);
  await fakeS3.createBucket(bucket);
  await fakeS3.start();
  const endpoint = fakeS3.url;
  const credentials = { AWS_ACCESS_KEY_ID: 'test-key', AWS_SECRET_ACCESS_KEY: 'test-secret' };
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test-key', secretAccessKey: 'test-secret' },
  });
  app = await startApp({
    ...credentials,
    JOBS_S3_BUCKET: bucket,
    JOBS_S3_ENDPOINT: endpoint,
    JOBS_S3_FORCE_PATH_STYLE: 'true',
  });
});
afterAll(async () => {
  await app?.stop();
  s3?.destroy();
  await fakeS3?.stop();
  await closeDb();
  rmSync(directory, { recursive: true, force: true });
});

describe('S3 object storage', () => {
  it('stores uploads in the bucket under uploads/{user_id}/..., processes them from there and deletes them', async () => {
    const { user, token } = await signedIn(app.url, { groups: ['uploader', 'editor'] });
    const csv = contactsCsv(5, 's3-');
    const res = await upload(app.url, token, csv, 'from s3.csv').expect(201);
    const job = await waitForJob(app.url, token, res.body.job_id);
    expect(job).toMatchObject({ status: 'COMPLETED', loaded_rows: 5 });
    expect(job.storage_key).toMatch(
      new RegExp(`^uploads/${user.id}/\\d{8}T\\d{6}Z-[0-9a-f]{8}-from_s3\\.csv$`),
    );
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: job.storage_key }));
    expect(await object.Body?.transformToString()).toBe(csv);

    const review = await upload(app.url, token, 'email,first_name,last_name\nbad,A,B\n', 'review.csv').expect(
      201,
    );
    const pending = await waitForJob(app.url, token, review.body.job_id);
    expect(pending.status).toBe('NEEDS_REVIEW');
    await request(app.url)
      .delete(`/api/v1/jobs/${pending.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: pending.storage_key })),
    ).rejects.toThrow();
  });
});
