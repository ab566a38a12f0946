import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { waitForJob } from '../jobs/jobs-helpers.js';

/**
 * The bad-input table: hostile and careless requests across every module, each of which must get a 4xx with the
 * JSON error body, never a 500. Part of it is written by hand (per-route traps); the rest is generated from the
 * OpenAPI document, so it grows with the API: a NUL character in every string field of every JSON body and in every
 * string query parameter, and a document nested 10,000 deep sent to every operation that takes JSON.
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Case {
  name: string;
  method: Method;
  path: string;
  /** A JSON value (sent as JSON), a raw string body, or a multipart file. */
  json?: unknown;
  raw?: { body: string | Buffer; type: string };
  file?: { field: string; content: Buffer; filename: string; fields?: Record<string, string> };
  headers?: Record<string, string>;
  as?: 'admin' | 'user' | 'anonymous';
  /** The exact status expected; any 4xx when not given. */
  status?: number;
  code?: string;
}

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  allOf?: Schema[];
  oneOf?: Schema[];
}
interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        'x-public'?: boolean;
        parameters?: Array<{ name: string; in: string; schema?: Schema }>;
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

const NUL = 'a\u0000b';
const uploads = mkdtempSync(join(tmpdir(), 'bad-input-uploads-'));
let app: AppProcess;
let doc: OpenApi;
const tokens = { admin: '', user: '' };
const ids = { job: '', staging: '', observation: '' };
const results = { total: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp({ SPECIES_UPLOADS_DIR: uploads });
  doc = (await request(app.url).get('/api/docs-json').expect(200)).body as OpenApi;
  const groups = ['uploader', 'editor', 'ingest'];
  tokens.admin = (await signedIn(app.url, { role: 'admin', groups })).token;
  tokens.user = (await signedIn(app.url, { groups })).token;
  const as = { Authorization: `Bearer ${tokens.admin}` };
  const upload = await request(app.url)
    .post('/api/v1/jobs/upload')
    .set(as)
    .field('kind', 'contacts')
    .attach('file', Buffer.from('email,first_name,last_name\nnot-an-email,Bad,Email\n'), 'bad.csv')
    .expect(201);
  ids.job = upload.body.job_id;
  await waitForJob(app.url, tokens.admin, ids.job, ['NEEDS_REVIEW']);
  const issues = await request(app.url).get(`/api/v1/jobs/${ids.job}/issues`).set(as).expect(200);
  ids.staging = String(issues.body.items[0].staging_id);
  const obs = await request(app.url).post('/api/v1/observations').set(as).send(sighting()).expect(201);
  ids.observation = obs.body.id;
}, 60_000);
afterAll(async () => {
  const statuses = [...results.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
  const errors = [...results.byStatus.entries()].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  process.stdout.write(
    `\nBad-input table: ${results.total} requests, ${errors} answered 5xx (by status: ${statuses.join(', ')})\n`,
  );
  await app?.stop();
  await closeDb();
});

function sighting(overrides: Record<string, unknown> = {}) {
  return {
    speciesName: 'Mola mola',
    commonName: 'Ocean Sunfish',
    locationName: 'Plymouth Sound',
    observationDatetime: '2024-06-01T10:30:00Z',
    location: { type: 'Point', coordinates: [-4.1427, 50.3655] },
    ...overrides,
  };
}

function deep(levels: number): string {
  return `{"a":${'['.repeat(levels)}1${']'.repeat(levels)}}`;
}

async function send(c: Case): Promise<request.Response> {
  const path = c.path
    .replace('{job}', ids.job)
    .replace('{staging}', ids.staging)
    .replace('{observation}', ids.observation);
  let req = request(app.url)[c.method](path);
  const who = c.as ?? 'admin';
  if (who !== 'anonymous') req = req.set('Authorization', `Bearer ${tokens[who]}`);
  for (const [name, value] of Object.entries(c.headers ?? {})) req = req.set(name, value);
  if (c.file) {
    for (const [name, value] of Object.entries(c.file.fields ?? {})) req = req.field(name, value);
    return req.attach(c.file.field, c.file.content, c.file.filename);
  }
  if (c.raw) return req.set('Content-Type', c.raw.type).send(c.raw.body);
  return c.json === undefined ? req : req.send(c.json as object);
}

async function check(cases: Case[]): Promise<void> {
  const failures: string[] = [];
  for (const c of cases) {
    const res = await send(c);
    results.total += 1;
    results.byStatus.set(res.status, (results.byStatus.get(res.status) ?? 0) + 1);
    const body = res.body as Record<string, unknown>;
    const shaped =
      body?.statusCode === res.status &&
      typeof body.code === 'string' &&
      typeof body.message === 'string' &&
      typeof body.requestId === 'string';
    const statusOk = c.status ? res.status === c.status : res.status >= 400 && res.status < 500;
    const codeOk = !c.code || body?.code === c.code;
    if (!statusOk || !shaped || !codeOk)
      failures.push(
        `${c.name}: ${c.method.toUpperCase()} ${c.path} -> ${res.status} ${JSON.stringify(body)}`,
      );
  }
  expect(failures).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------------------
// Written by hand: per-route traps
// ---------------------------------------------------------------------------------------------------------------

const V = '/api/v1';
const injection = [
  "' OR '1'='1",
  '1; DROP TABLE users; --',
  '${7*7}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
];
const badUuids = ['not-a-uuid', '123', '00000000-0000-0000-0000-00000000000g', `${randomUUID()}x`, '%20'];
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);

const handWritten: Case[] = [
  // Auth
  { name: 'login without body', method: 'post', path: `${V}/auth/login`, as: 'anonymous', status: 400 },
  {
    name: 'login, email a number',
    method: 'post',
    path: `${V}/auth/login`,
    as: 'anonymous',
    json: { email: 1, password: 'x' },
    status: 400,
  },
  {
    name: 'login, operator object',
    method: 'post',
    path: `${V}/auth/login`,
    as: 'anonymous',
    json: { email: { $gt: '' }, password: { $ne: null } },
    status: 400,
  },
  {
    name: 'login, invalid JSON',
    method: 'post',
    path: `${V}/auth/login`,
    as: 'anonymous',
    raw: { body: '{"email":', type: 'application/json' },
    status: 400,
    code: 'MALFORMED_JSON',
  },
  {
    name: 'login, JSON 10,000 deep',
    method: 'post',
    path: `${V}/auth/login`,
    as: 'anonymous',
    raw: { body: deep(10_000), type: 'application/json' },
    status: 400,
  },
  {
    name: 'login, text/plain',
    method: 'post',
    path: `${V}/auth/login`,
    as: 'anonymous',
    raw: { body: 'email=x', type: 'text/plain' },
    status: 400,
  },
  {
    name: 'login, body over the limit',
    method: 'post',
    path: `${V}/auth/login`,
    as: 'anonymous',
    raw: { body: `{"email":"${'a'.repeat(2_000_000)}"}`, type: 'application/json' },
    status: 413,
  },
  {
    name: 'register, huge username',
    method: 'post',
    path: `${V}/auth/register`,
    as: 'anonymous',
    json: { email: 'a@example.org', username: 'u'.repeat(10_000), password: 'password-123' },
    status: 400,
  },
  {
    name: 'register, unknown field',
    method: 'post',
    path: `${V}/auth/register`,
    as: 'anonymous',
    json: { email: 'b@example.org', password: 'password-123', role: 'admin' },
    status: 400,
  },
  {
    name: 'register, email injection',
    method: 'post',
    path: `${V}/auth/register`,
    as: 'anonymous',
    json: { email: "x' OR 1=1 --@example.org", password: 'password-123' },
    status: 400,
  },
  {
    name: 'refresh, token an array',
    method: 'post',
    path: `${V}/auth/refresh`,
    as: 'anonymous',
    json: { refresh_token: ['a'] },
  },
  {
    name: 'verify-email, traversal',
    method: 'get',
    path: `${V}/auth/verify-email/..%2F..%2Fetc%2Fpasswd`,
    as: 'anonymous',
  },
  {
    name: 'password reset confirm, short password',
    method: 'post',
    path: `${V}/auth/password-reset/confirm`,
    as: 'anonymous',
    json: { token: 'x', password: '1' },
    status: 400,
  },
  { name: 'admin users, page -1', method: 'get', path: `${V}/admin/users?page=-1`, status: 400 },
  {
    name: 'admin users, limit 1e12',
    method: 'get',
    path: `${V}/admin/users?limit=1000000000000`,
    status: 400,
  },
  { name: 'admin users, limit a word', method: 'get', path: `${V}/admin/users?limit=many`, status: 400 },
  {
    name: 'admin user patch, role unknown',
    method: 'patch',
    path: `${V}/admin/users/${randomUUID()}`,
    json: { role: 'root' },
    status: 400,
  },
  // Privacy
  { name: 'DELETE me, no body', method: 'delete', path: `${V}/me`, as: 'user', status: 400 },
  {
    name: 'DELETE me, wrong confirmation',
    method: 'delete',
    path: `${V}/me`,
    as: 'user',
    json: { confirm: 'yes', password: 'correct-horse-battery' },
    status: 400,
    code: 'CONFIRMATION_REQUIRED',
  },
  {
    name: 'DELETE me, confirmation a number',
    method: 'delete',
    path: `${V}/me`,
    as: 'user',
    json: { confirm: 1 },
    status: 400,
  },
  {
    name: 'DELETE me, no password',
    method: 'delete',
    path: `${V}/me`,
    as: 'user',
    json: { confirm: 'DELETE MY ACCOUNT' },
    status: 400,
    code: 'WRONG_PASSWORD',
  },
  {
    name: 'DELETE me, wrong password',
    method: 'delete',
    path: `${V}/me`,
    as: 'user',
    json: { confirm: 'DELETE MY ACCOUNT', password: 'not-my-password' },
    status: 400,
    code: 'WRONG_PASSWORD',
  },
  {
    name: 'DELETE me, password of 100 kB',
    method: 'delete',
    path: `${V}/me`,
    as: 'user',
    json: { confirm: 'DELETE MY ACCOUNT', password: 'x'.repeat(100_000) },
    status: 400,
  },
  { name: 'admin export, id not a uuid', method: 'get', path: `${V}/admin/users/x/export`, status: 400 },
  {
    name: 'admin export, unknown user',
    method: 'get',
    path: `${V}/admin/users/${randomUUID()}/export`,
    status: 404,
    code: 'USER_NOT_FOUND',
  },
  { name: 'admin erase, id not a uuid', method: 'delete', path: `${V}/admin/users/x`, status: 400 },
  {
    name: 'admin erase, unknown user',
    method: 'delete',
    path: `${V}/admin/users/${randomUUID()}`,
    status: 404,
    code: 'USER_NOT_FOUND',
  },
  {
    name: 'PATCH me, full_name with a newline',
    method: 'patch',
    path: `${V}/auth/me`,
    json: { full_name: 'a\nb' },
    status: 400,
  },
  // Species
  {
    name: 'species search, lat 1000',
    method: 'get',
    path: `${V}/species/observations?lat=1000&lng=0&radius_km=10`,
    status: 400,
  },
  {
    name: 'species search, negative radius',
    method: 'get',
    path: `${V}/species/observations?lat=0&lng=0&radius_km=-5`,
    status: 400,
  },
  {
    name: 'species search, radius huge',
    method: 'get',
    path: `${V}/species/observations?lat=0&lng=0&radius_km=1e308`,
    status: 400,
  },
  {
    name: 'species search, lng NaN',
    method: 'get',
    path: `${V}/species/observations?lat=0&lng=NaN&radius_km=5`,
    status: 400,
  },
  {
    name: 'species search, bbox inverted garbage',
    method: 'get',
    path: `${V}/species/observations?bbox=a,b,c,d`,
    status: 400,
  },
  {
    name: 'species search, two lats',
    method: 'get',
    path: `${V}/species/observations?lat=1&lat=2&lng=0&radius_km=5`,
    status: 400,
  },
  ...badUuids.map((id): Case => ({
    name: `curated by bad id ${id}`,
    method: 'get',
    path: `${V}/species/observations/${id}`,
  })),
  { name: 'sighting, empty body', method: 'post', path: `${V}/observations`, json: {}, status: 400 },
  {
    name: 'sighting, date not a date',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ observationDatetime: '2024-13-45T99:00:00Z' }),
    status: 400,
  },
  {
    name: 'sighting, date in year 30000',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ observationDatetime: '+030000-01-01T00:00:00Z' }),
    status: 400,
  },
  {
    name: 'sighting, GeoJSON polygon instead of point',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({
      location: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [1, 0],
            [0, 0],
          ],
        ],
      },
    }),
    status: 400,
  },
  {
    name: 'sighting, coordinates out of range',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ location: { type: 'Point', coordinates: [500, 95] } }),
    status: 400,
  },
  {
    name: 'sighting, coordinates strings',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ location: { type: 'Point', coordinates: ['a', 'b'] } }),
    status: 400,
  },
  {
    name: 'sighting, coordinates 3 levels',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ location: { type: 'Point', coordinates: [[1, 2]] } }),
    status: 400,
  },
  {
    name: 'sighting, WKT string location',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ location: 'POINT(1 2' }),
    status: 400,
  },
  {
    name: 'sighting, depth negative huge',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ depthMin: -1e308 }),
    status: 400,
  },
  {
    name: 'sighting, temperature a string',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ temperature: 'warm' }),
    status: 400,
  },
  {
    name: 'sighting, species operator object',
    method: 'post',
    path: `${V}/observations`,
    json: sighting({ speciesName: { $gt: '' } }),
    status: 400,
  },
  {
    name: 'sighting patch, bad uuid',
    method: 'patch',
    path: `${V}/observations/not-a-uuid`,
    json: { notes: 'x' },
  },
  {
    name: 'sighting image, not an image',
    method: 'post',
    path: `${V}/observations/{observation}/image`,
    file: { field: 'image', content: Buffer.from('%PDF-1.4 not an image'), filename: 'x.png' },
    status: 415,
  },
  {
    name: 'sighting image, empty file',
    method: 'post',
    path: `${V}/observations/{observation}/image`,
    file: { field: 'image', content: Buffer.alloc(0), filename: 'x.png' },
  },
  {
    name: 'sighting image, over 2 MB',
    method: 'post',
    path: `${V}/observations/{observation}/image`,
    file: { field: 'image', content: Buffer.concat([PNG, Buffer.alloc(3 * 1024 * 1024)]), filename: 'x.png' },
    status: 413,
  },
  {
    name: 'sighting image, wrong field',
    method: 'post',
    path: `${V}/observations/{observation}/image`,
    file: { field: 'photo', content: PNG, filename: 'x.png' },
  },
  {
    name: 'sighting validate, status unknown',
    method: 'post',
    path: `${V}/observations/{observation}/validate`,
    json: { status: 'approved!!' },
    status: 400,
  },
  { name: 'sightings, limit 0', method: 'get', path: `${V}/observations?limit=0`, status: 400 },
  {
    name: 'sightings export, format exe',
    method: 'get',
    path: `${V}/observations/export?format=exe`,
    status: 400,
  },
  {
    name: 'map, zoom 99',
    method: 'get',
    path: `${V}/map/observations?zoom=99&bbox=-10,40,10,60`,
    status: 400,
  },
  {
    name: 'ETL run, WKT unclosed',
    method: 'post',
    path: `${V}/species/etl/runs`,
    json: { geometry: 'POLYGON((bad' },
    status: 400,
  },
  {
    name: 'ETL run, WKT point',
    method: 'post',
    path: `${V}/species/etl/runs`,
    json: { geometry: 'POINT(1 2)' },
    status: 400,
  },
  {
    name: 'ETL run, WKT injection',
    method: 'post',
    path: `${V}/species/etl/runs`,
    json: { geometry: 'POLYGON((0 0,1 0,1 1,0 0)); DROP TABLE etl_runs' },
    status: 400,
  },
  {
    name: 'ETL run, taxonid words',
    method: 'post',
    path: `${V}/species/etl/runs`,
    json: { taxonid: 'mola' },
    status: 400,
  },
  { name: 'ETL run, size 0', method: 'post', path: `${V}/species/etl/runs`, json: { size: 0 }, status: 400 },
  { name: 'ETL run by bad id', method: 'get', path: `${V}/species/etl/runs/1%27%20OR%201=1` },
  // Sensors
  {
    name: 'reading, value a string',
    method: 'post',
    path: `${V}/sensors/readings`,
    json: { sensor_id: 's1', type: 'temperature', value: 'hot' },
  },
  {
    name: 'reading, value Infinity text',
    method: 'post',
    path: `${V}/sensors/readings`,
    raw: { body: '{"sensor_id":"s1","type":"temperature","value":Infinity}', type: 'application/json' },
    status: 400,
  },
  {
    name: 'reading, sensor id traversal',
    method: 'post',
    path: `${V}/sensors/readings`,
    json: { sensor_id: '../../etc/passwd', type: 'temperature', value: 1 },
    status: 400,
  },
  {
    name: 'reading, timestamp year 99999',
    method: 'post',
    path: `${V}/sensors/readings`,
    json: { sensor_id: 's1', type: 'temperature', value: 1, timestamp: '99999-01-01T00:00:00Z' },
    status: 400,
  },
  {
    name: 'reading, 10,000 deep',
    method: 'post',
    path: `${V}/sensors/readings`,
    raw: { body: deep(10_000), type: 'application/json' },
    status: 400,
  },
  {
    name: 'history, from after to',
    method: 'get',
    path: `${V}/sensors/history?sensor_id=s1&from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z`,
  },
  {
    name: 'history, bucket 7 minutes',
    method: 'get',
    path: `${V}/sensors/history?sensor_id=s1&bucket=7m`,
    status: 400,
  },
  {
    name: 'history, from not a date',
    method: 'get',
    path: `${V}/sensors/history?sensor_id=s1&from=yesterday`,
    status: 400,
  },
  { name: 'anomalies, limit -5', method: 'get', path: `${V}/sensors/anomalies?limit=-5`, status: 400 },
  {
    name: 'latest, sensor id injection',
    method: 'get',
    path: `${V}/sensors/latest?sensor_id=${encodeURIComponent("' OR 1=1 --")}`,
  },
  {
    name: 'threshold, min above max',
    method: 'put',
    path: `${V}/sensors/thresholds/types/temperature`,
    json: { min: 10, max: -10 },
    status: 400,
  },
  {
    name: 'threshold, type traversal',
    method: 'put',
    path: `${V}/sensors/thresholds/types/..%2F..`,
    json: { min: 0, max: 1 },
  },
  { name: 'weather, lat 91', method: 'get', path: `${V}/sensors/external/weather?lat=91&lon=0` },
  // Cloudcasting
  { name: 'layer, step 99', method: 'get', path: `${V}/cloudcasting/layers/IR_108/99.tif` },
  { name: 'layer, step -1', method: 'get', path: `${V}/cloudcasting/layers/IR_108/-1.tif` },
  {
    name: 'layer, channel traversal',
    method: 'get',
    path: `${V}/cloudcasting/layers/..%2F..%2Fetc%2Fpasswd/0.tif`,
  },
  {
    name: 'layer, bad Range (no forecast yet: 404 before Range)',
    method: 'get',
    path: `${V}/cloudcasting/layers/IR_108/0.tif`,
    headers: { Range: 'bytes=999999999-1' },
  },
  {
    name: 'point, lon a word',
    method: 'get',
    path: `${V}/cloudcasting/point?lon=east&lat=50&channel=IR_108`,
    status: 400,
  },
  {
    name: 'point, channel injection',
    method: 'get',
    path: `${V}/cloudcasting/point?lon=0&lat=50&channel=${encodeURIComponent("IR_108'; --")}`,
    status: 400,
  },
  // Jobs
  {
    name: 'upload, no file',
    method: 'post',
    path: `${V}/jobs/upload`,
    raw: { body: 'kind=contacts', type: 'application/x-www-form-urlencoded' },
    status: 400,
  },
  {
    name: 'upload, unknown kind',
    method: 'post',
    path: `${V}/jobs/upload`,
    file: { field: 'file', content: Buffer.from('a,b\n1,2\n'), filename: 'x.csv', fields: { kind: 'nope' } },
    status: 400,
  },
  {
    name: 'upload, empty file',
    method: 'post',
    path: `${V}/jobs/upload`,
    file: { field: 'file', content: Buffer.alloc(0), filename: 'x.csv', fields: { kind: 'contacts' } },
    status: 400,
  },
  {
    name: 'upload, binary file',
    method: 'post',
    path: `${V}/jobs/upload`,
    file: {
      field: 'file',
      content: Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7, 8]),
      filename: 'x.csv',
      fields: { kind: 'contacts' },
    },
    status: 415,
  },
  {
    name: 'upload, traversal file name',
    method: 'post',
    path: `${V}/jobs/upload`,
    file: {
      field: 'file',
      content: Buffer.from('foo,bar\n1,2\n'),
      filename: '../../../../etc/passwd',
      fields: { kind: 'contacts' },
    },
    status: 400,
  },
  {
    name: 'upload, NUL in kind',
    method: 'post',
    path: `${V}/jobs/upload`,
    file: {
      field: 'file',
      content: Buffer.from('email\n'),
      filename: 'x.csv',
      fields: { kind: `contacts${'\u0000'}` },
    },
    status: 400,
  },
  { name: 'jobs, status unknown', method: 'get', path: `${V}/jobs?status=DONE`, status: 400 },
  ...badUuids.map((id): Case => ({
    name: `job by bad id ${id}`,
    method: 'get',
    path: `${V}/jobs/${id}`,
    status: 400,
  })),
  {
    name: 'issue update, action unknown',
    method: 'put',
    path: `${V}/issues/${randomUUID()}`,
    json: { action: 'explode' },
    status: 400,
  },
  { name: 'staging id a word', method: 'get', path: `${V}/staging/abc`, status: 400 },
  { name: 'staging id huge', method: 'get', path: `${V}/staging/99999999999999999999999`, status: 400 },
  { name: 'staging id negative', method: 'get', path: `${V}/staging/-1`, status: 400 },
  {
    name: 'staging correction, operator object',
    method: 'put',
    path: `${V}/staging/{staging}`,
    json: { data: { email: { $gt: '' } } },
    status: 400,
  },
  {
    name: 'staging correction, number value',
    method: 'put',
    path: `${V}/staging/{staging}`,
    json: { data: { email: 42 } },
    status: 400,
  },
  {
    name: 'staging correction, data an array',
    method: 'put',
    path: `${V}/staging/{staging}`,
    json: { data: ['x'] },
    status: 400,
  },
  {
    name: 'contacts, search injection',
    method: 'get',
    path: `${V}/contacts?search=${encodeURIComponent("%' OR '1'='1")}`,
  },
  // Scans
  {
    name: 'account, provider unknown',
    method: 'post',
    path: `${V}/accounts`,
    json: { provider: 'oracle', name: 'x', credentials: {} },
    status: 400,
  },
  {
    name: 'account, credentials a string',
    method: 'post',
    path: `${V}/accounts`,
    json: {
      provider: 'aws',
      name: 'x',
      account_identifier: '123456789012',
      regions: ['us-east-1'],
      credentials: 'AKIA',
    },
    status: 400,
  },
  {
    name: 'account, region injection',
    method: 'post',
    path: `${V}/accounts`,
    json: {
      provider: 'aws',
      name: 'x',
      account_identifier: '123456789012',
      regions: ["us-east-1'; --"],
      credentials: { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'x'.repeat(40) },
    },
    status: 400,
  },
  {
    name: 'account, name 100k chars',
    method: 'post',
    path: `${V}/accounts`,
    json: { provider: 'aws', name: 'n'.repeat(100_000), credentials: {} },
    status: 400,
  },
  ...badUuids.map((id): Case => ({
    name: `account by bad id ${id}`,
    method: 'get',
    path: `${V}/accounts/${id}`,
    status: 400,
  })),
  {
    name: 'scan, account id not a uuid',
    method: 'post',
    path: `${V}/scans`,
    json: { cloud_account_id: "1' OR '1'='1" },
    status: 400,
  },
  {
    name: 'scan, account id unknown',
    method: 'post',
    path: `${V}/scans`,
    json: { cloud_account_id: randomUUID() },
    status: 404,
  },
  { name: 'resources, min cost a word', method: 'get', path: `${V}/resources?min_cost=lots`, status: 400 },
  { name: 'resources, status unknown', method: 'get', path: `${V}/resources?status=gone`, status: 400 },
  {
    name: 'resources, sort injection',
    method: 'get',
    path: `${V}/resources?sort=${encodeURIComponent('monthly_cost; DROP TABLE scans')}`,
    status: 400,
  },
  {
    name: 'resource patch, status unknown',
    method: 'patch',
    path: `${V}/resources/${randomUUID()}`,
    json: { status: 'vaporised' },
    status: 400,
  },
  {
    name: 'rule, unknown type',
    method: 'put',
    path: `${V}/detection-rules/ufo`,
    json: { enabled: true },
    status: 404,
  },
  {
    name: 'rule, parameter out of range',
    method: 'put',
    path: `${V}/detection-rules/ebs_volume`,
    json: { parameters: { min_age_days: -1 } },
    status: 400,
  },
  {
    name: 'rule, parameter a string',
    method: 'put',
    path: `${V}/detection-rules/ebs_volume`,
    json: { parameters: { min_age_days: 'old' } },
    status: 400,
  },
  {
    name: 'price override, negative',
    method: 'put',
    path: `${V}/admin/pricing/ebs_gp3_gb_month`,
    json: { usd: -1 },
    status: 400,
  },
  {
    name: 'price override, key traversal',
    method: 'put',
    path: `${V}/admin/pricing/..%2F..%2Fetc`,
    json: { usd: 1 },
  },
  {
    name: 'chat, message 1 MB',
    method: 'post',
    path: `${V}/chat/conversations/${randomUUID()}/messages`,
    json: { content: 'x'.repeat(1_000_000) },
    status: 400,
  },
  {
    name: 'chat, message empty',
    method: 'post',
    path: `${V}/chat/conversations/${randomUUID()}/messages`,
    json: { content: '' },
    status: 400,
  },
  { name: 'chat, conversation bad id', method: 'get', path: `${V}/chat/conversations/..%2F..`, status: 400 },
  // Injection strings as free text, anywhere they are searched
  ...injection.map((s): Case => ({
    name: `species list, q=${s}`,
    method: 'get',
    path: `${V}/species?q=${encodeURIComponent(s)}&limit=x`,
    status: 400,
  })),
  ...injection.map((s): Case => ({
    name: `admin users, search=${s}`,
    method: 'get',
    path: `${V}/admin/users?search=${encodeURIComponent(s)}&page=0`,
    status: 400,
  })),
  // NUL bytes in paths and query strings
  { name: 'NUL in a path id', method: 'get', path: `${V}/jobs/%00`, status: 400 },
  { name: 'NUL in a curated id', method: 'get', path: `${V}/species/observations/a%00b`, status: 400 },
  { name: 'NUL in species search', method: 'get', path: `${V}/species?q=a%00b`, status: 400 },
  { name: 'bad percent-encoding', method: 'get', path: `${V}/jobs/%E0%A4%A`, status: 400 },
];

it('answers every hand-written bad request with a 4xx and the JSON error body', async () => {
  expect(handWritten.length).toBeGreaterThanOrEqual(100);
  await check(handWritten);
}, 120_000);

// ---------------------------------------------------------------------------------------------------------------
// Generated from the OpenAPI document
// ---------------------------------------------------------------------------------------------------------------

function resolve(schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop()!]);
  if (schema.allOf)
    return schema.allOf
      .map(resolve)
      .reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
  if (schema.oneOf) return resolve(schema.oneOf[0]);
  return schema;
}

/** A plausible value for a schema: good enough for most validators, so the NUL is what gets judged. */
function sample(raw: Schema, depth = 0): unknown {
  const schema = resolve(raw);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return schema.format === 'email'
        ? 'someone@example.org'
        : schema.format === 'uuid'
          ? randomUUID()
          : schema.format === 'date-time'
            ? '2024-06-01T10:00:00Z'
            : 'text';
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 3 ? [] : [sample(schema.items ?? {}, depth + 1)];
    default:
      if (!schema.properties || depth > 3) return {};
      return Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, sample(v, depth + 1)]));
  }
}

/** Every path to a string in `value`, e.g. ['location', 'type']. */
function stringPaths(value: unknown, at: string[] = []): string[][] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...at, String(i)]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
  return [];
}

function withValue(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string, unknown>;
  copy[path[0]] = withValue(copy[path[0]], path.slice(1), replacement);
  return copy;
}

const concrete = (path: string) =>
  path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === 'step' ? '0' : name === 'resourceType' ? 'ebs_volume' : name === 'key' ? 'k' : randomUUID(),
  );

function generated(): Case[] {
  const cases: Case[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const as = op['x-public'] ? 'anonymous' : 'admin';
      const json = op.requestBody?.content['application/json']?.schema;
      if (json) {
        const body = sample(json);
        for (const at of stringPaths(body))
          cases.push({
            name: `NUL in body.${at.join('.')}`,
            method: method as Method,
            path: concrete(path),
            json: withValue(body, at, NUL),
            as,
          });
        cases.push({
          name: 'JSON 10,000 deep',
          method: method as Method,
          path: concrete(path),
          raw: { body: deep(10_000), type: 'application/json' },
          as,
          status: 400,
        });
      }
      for (const param of op.parameters ?? []) {
        if (param.in !== 'query' || resolve(param.schema).type !== 'string' || resolve(param.schema).enum)
          continue;
        cases.push({
          name: `NUL in query ${param.name}`,
          method: method as Method,
          path: `${concrete(path)}?${param.name}=${encodeURIComponent(NUL)}`,
          as,
          status: 400,
        });
      }
    }
  }
  return cases;
}

it('answers a NUL in every string field and query parameter, and 10,000-deep JSON, with a 4xx', async () => {
  const cases = generated();
  expect(cases.length).toBeGreaterThanOrEqual(100);
  await check(cases);
}, 180_000);

it('has sent at least 150 bad requests, none answered 5xx', () => {
  expect(results.total).toBeGreaterThanOrEqual(150);
  expect([...results.byStatus.keys()].filter((s) => s >= 500)).toEqual([]);
});
