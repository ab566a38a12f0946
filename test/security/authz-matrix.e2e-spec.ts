import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startFakeAws, type FakeAws } from '../../bench/fakes/fake-aws.js';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { PNG, sighting } from '../helpers/sightings.js';
import { signedIn } from '../helpers/users.js';
import { waitForJob } from '../jobs/jobs-helpers.js';
import { waitForScan } from '../scans/helpers.js';
import { awsAccountBody, estate } from '../scans/world.js';

/**
 * The authorization matrix, generated from the app's own OpenAPI document (so it grows with the API):
 * - every operation not marked `x-public` is called anonymously and must answer 401;
 * - every operation with `x-roles` / `x-groups` is called by a user lacking them and must answer 403;
 * - every operation with a path parameter is either in OWNED (called by another user on the owner's resource: 404,
 *   and the resource is still there for its owner afterwards) or in SHARED with the reason it has no owner.
 * An operation with a path parameter in neither list fails the suite, so a new route cannot skip the matrix.
 * Every refusal carries the JSON error body.
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Operation {
  method: Method;
  path: string;
  public: boolean;
  roles?: string[];
  groups?: string[];
}
interface Fixture {
  observation: string;
  job: string;
  issue: string;
  staging: string;
  account: string;
  scan: string;
  resource: string;
  conversation: string;
}
interface OwnedCase {
  params: (f: Fixture) => Record<string, string>;
  body?: unknown;
  /** A multipart file field instead of a JSON body. */
  attach?: { field: string; content: Buffer; filename: string };
  /** The owner's GET that shows the resource survived the other user's attempt. */
  check: (f: Fixture) => string;
}

const observation = (f: Fixture) => ({ id: f.observation });
const job = (f: Fixture) => ({ id: f.job });
const account = (f: Fixture) => ({ id: f.account });
const scan = (f: Fixture) => ({ id: f.scan });
const resource = (f: Fixture) => ({ id: f.resource });
const conversation = (f: Fixture) => ({ id: f.conversation });
const seeObservation = (f: Fixture) => `/api/v1/observations/${f.observation}`;
const seeJob = (f: Fixture) => `/api/v1/jobs/${f.job}`;
const seeAccount = (f: Fixture) => `/api/v1/accounts/${f.account}`;
const seeResource = (f: Fixture) => `/api/v1/resources/${f.resource}`;

/** Resources that belong to one user: anyone else gets 404, as if they did not exist. */
const OWNED: Record<string, OwnedCase> = {
  'get /api/v1/observations/{id}': { params: observation, check: seeObservation },
  'put /api/v1/observations/{id}': { params: observation, body: sighting, check: seeObservation },
  'patch /api/v1/observations/{id}': {
    params: observation,
    body: { notes: 'mine now' },
    check: seeObservation,
  },
  'delete /api/v1/observations/{id}': { params: observation, check: seeObservation },
  'post /api/v1/observations/{id}/image': {
    params: observation,
    attach: { field: 'image', content: PNG, filename: 'x.png' },
    check: seeObservation,
  },
  'get /api/v1/observations/{id}/image': { params: observation, check: seeObservation },
  'get /api/v1/jobs/{id}': { params: job, check: seeJob },
  'delete /api/v1/jobs/{id}': { params: job, check: seeJob },
  'get /api/v1/jobs/{id}/issues': { params: job, check: seeJob },
  'post /api/v1/jobs/{id}/reprocess': { params: job, check: seeJob },
  'get /api/v1/jobs/{id}/rejects': { params: job, check: seeJob },
  'post /api/v1/jobs/{id}/load-valid': { params: job, check: seeJob },
  'get /api/v1/issues/{id}': { params: (f) => ({ id: f.issue }), check: (f) => `/api/v1/issues/${f.issue}` },
  'put /api/v1/issues/{id}': {
    params: (f) => ({ id: f.issue }),
    body: { action: 'discard', comment: 'not mine' },
    check: (f) => `/api/v1/issues/${f.issue}`,
  },
  'get /api/v1/staging/{id}': {
    params: (f) => ({ id: f.staging }),
    check: (f) => `/api/v1/staging/${f.staging}`,
  },
  'put /api/v1/staging/{id}': {
    params: (f) => ({ id: f.staging }),
    body: { data: { email: 'taken@example.org' } },
    check: (f) => `/api/v1/staging/${f.staging}`,
  },
  'get /api/v1/accounts/{id}': { params: account, check: seeAccount },
  'patch /api/v1/accounts/{id}': { params: account, body: { name: 'Hijacked' }, check: seeAccount },
  'delete /api/v1/accounts/{id}': { params: account, check: seeAccount },
  'post /api/v1/accounts/{id}/validate': { params: account, check: seeAccount },
  'get /api/v1/scans/{id}': { params: scan, check: (f) => `/api/v1/scans/${f.scan}` },
  'delete /api/v1/scans/{id}': { params: scan, check: (f) => `/api/v1/scans/${f.scan}` },
  'get /api/v1/resources/{id}': { params: resource, check: seeResource },
  'patch /api/v1/resources/{id}': { params: resource, body: { status: 'deleted' }, check: seeResource },
  'patch /api/v1/resources/{id}/ignore': { params: resource, check: seeResource },
  'patch /api/v1/resources/{id}/mark-for-deletion': { params: resource, check: seeResource },
  'get /api/v1/chat/conversations/{id}': {
    params: conversation,
    check: (f) => `/api/v1/chat/conversations/${f.conversation}`,
  },
  'post /api/v1/chat/conversations/{id}/messages': {
    params: conversation,
    body: { content: 'What is yours?' },
    check: (f) => `/api/v1/chat/conversations/${f.conversation}`,
  },
};

/** Operations with a path parameter that names no user's resource, and why. */
const SHARED: Record<string, string> = {
  'get /api/v1/auth/verify-email/{token}': 'public: the token is the credential',
  'get /api/v1/cloudcasting/layers/{channel}/{step}.tif': 'forecast layers are the same for every user',
  'get /api/v1/cloudcasting/tiles/{set}/{channel}/{step}/{z}/{x}/{y}.png':
    'forecast tiles are the same for every user',
  'get /api/v1/cloudcasting/tiles/{set}/{channel}/{step}/tilejson.json':
    'forecast layers are the same for every user',
  'get /api/v1/cloudcasting/tiles/{set}/{channel}/{step}/statistics':
    'forecast layers are the same for every user',
  'get /api/v1/species/observations/{id}': 'public curated OBIS records',
  'post /api/v1/observations/{id}/validate': 'researchers and admins validate any sighting (roles checked)',
  'get /api/v1/detection-rules/{resourceType}': 'a rule type; each user sees their own settings of it',
  'put /api/v1/detection-rules/{resourceType}': 'a rule type; each user changes their own settings of it',
  'delete /api/v1/detection-rules/{resourceType}': 'a rule type; each user resets their own settings of it',
};

const ROLES = ['user', 'researcher', 'admin'];
const UUID_LIKE = /id$/i;

let app: AppProcess;
let fakeAws: FakeAws;
let operations: Operation[];
let fixture: Fixture;
const tokens: Record<'owner' | 'other' | 'groupless' | 'researcher' | 'admin', string> = {} as never;
const totals = { operations: 0, anonymous: 0, forbidden: 0, owned: 0, shared: 0, public: 0 };

const sample = (name: string) => (UUID_LIKE.test(name) ? randomUUID() : name === 'step' ? '0' : 'x');
function fill(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? sample(name)));
}
function call(op: Operation, url: string, token?: string, owned?: OwnedCase) {
  let req = request(app.url)[op.method](url);
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  if (owned?.attach) return req.attach(owned.attach.field, owned.attach.content, owned.attach.filename);
  return owned?.body === undefined ? req : req.send(owned.body as object);
}
function expectRefusal(res: request.Response, status: number, label: string): void {
  const summary = `${label} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
  expect(summary).toBe(`${label} -> ${status} ${JSON.stringify(res.body).slice(0, 200)}`);
  expect(res.body).toMatchObject({
    statusCode: status,
    code: expect.any(String),
    message: expect.any(String),
    requestId: expect.any(String),
  });
}

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  fakeAws = await startFakeAws(estate());
  app = await startApp({ AWS_ENDPOINT_URL: fakeAws.url });

  const doc = (await request(app.url).get('/api/docs-json').expect(200)).body as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method as Method,
      path,
      public: op['x-public'] === true,
      roles: op['x-roles'] as string[] | undefined,
      groups: op['x-groups'] as string[] | undefined,
    })),
  );

  const all = ['uploader', 'editor', 'ingest'];
  tokens.owner = (await signedIn(app.url, { groups: all })).token;
  tokens.other = (await signedIn(app.url, { groups: all })).token;
  tokens.groupless = (await signedIn(app.url)).token;
  tokens.researcher = (await signedIn(app.url, { role: 'researcher', groups: all })).token;
  tokens.admin = (await signedIn(app.url, { role: 'admin' })).token;
  fixture = await ownedResources(tokens.owner);
}, 120_000);
afterAll(async () => {
  process.stdout.write(
    `\nAuthorization matrix: ${totals.operations} operations; ${totals.anonymous} anonymous calls (401), ` +
      `${totals.forbidden} calls lacking a role or group (403), ${totals.owned} calls on another user's resource ` +
      `(404), ${totals.shared} shared and ${totals.public} public operations\n`,
  );
  await app?.stop();
  await fakeAws?.close();
  await closeDb();
});

/** One resource of each owned kind, created by `token`'s user through the API. */
async function ownedResources(token: string): Promise<Fixture> {
  const as = { Authorization: `Bearer ${token}` };
  const api = () => request(app.url);
  const obs = await api().post('/api/v1/observations').set(as).send(sighting);
  expect(`${obs.status} ${JSON.stringify(obs.body)}`).toMatch(/^201 /);
  const csv = 'email,first_name,last_name\nfine@example.org,Fine,Row\nnot-an-email,Bad,Email\n';
  const upload = await api()
    .post('/api/v1/jobs/upload')
    .set(as)
    .field('kind', 'contacts')
    .attach('file', Buffer.from(csv), 'matrix.csv')
    .expect(201);
  const jobId = upload.body.job_id as string;
  await waitForJob(app.url, token, jobId, ['NEEDS_REVIEW']);
  const issues = await api().get(`/api/v1/jobs/${jobId}/issues`).set(as).expect(200);
  const acc = await api().post('/api/v1/accounts').set(as).send(awsAccountBody('Matrix')).expect(201);
  const started = await api()
    .post('/api/v1/scans')
    .set(as)
    .send({ cloud_account_id: acc.body.id })
    .expect(202);
  const done = await waitForScan(app.url, token, started.body.id as string);
  expect(done.resources.length).toBeGreaterThan(0);
  const chat = await api().post('/api/v1/chat/conversations').set(as).send({}).expect(201);
  return {
    observation: obs.body.id,
    job: jobId,
    issue: issues.body.items[0].id,
    staging: String(issues.body.items[0].staging_id),
    account: acc.body.id,
    scan: done.id,
    resource: done.resources[0].id,
    conversation: chat.body.id,
  };
}

const key = (op: Operation) => `${op.method} ${op.path}`;

it('reads a document with operations, and every table entry names a real operation', () => {
  totals.operations = operations.length;
  expect(operations.length).toBeGreaterThan(80);
  const known = new Set(operations.map(key));
  for (const name of [...Object.keys(OWNED), ...Object.keys(SHARED)])
    expect(`${name}: ${known.has(name)}`).toBe(`${name}: true`);
});

it('places every operation with a path parameter in the matrix', () => {
  const missing = operations
    .filter((op) => op.path.includes('{'))
    .filter((op) => !(op.roles && !op.roles.includes('user')))
    .filter((op) => !OWNED[key(op)] && !SHARED[key(op)])
    .map(key);
  expect(missing).toEqual([]);
});

it('answers 401 to an anonymous caller on every operation not marked public', async () => {
  for (const op of operations) {
    if (op.public) {
      totals.public += 1;
      continue;
    }
    expectRefusal(await call(op, fill(op.path)), 401, `anonymous ${key(op)}`);
    totals.anonymous += 1;
  }
  expect(totals.anonymous).toBeGreaterThan(60);
});

it('answers 403 to a caller lacking the role or group an operation needs', async () => {
  const byRole: Record<string, string> = {
    user: tokens.groupless,
    researcher: tokens.researcher,
    admin: tokens.admin,
  };
  for (const op of operations) {
    if (op.roles) {
      for (const role of ROLES.filter((r) => !op.roles!.includes(r))) {
        const token = role === 'user' ? tokens.other : byRole[role];
        const res = await call(op, fill(op.path), token);
        expectRefusal(res, 403, `${role} on ${key(op)}`);
        expect(res.body.code).toBe('FORBIDDEN_ROLE');
        totals.forbidden += 1;
      }
    }
    if (op.groups && (!op.roles || op.roles.includes('user'))) {
      const res = await call(op, fill(op.path), tokens.groupless);
      expectRefusal(res, 403, `user without ${op.groups.join('/')} on ${key(op)}`);
      expect(res.body.code).toBe('FORBIDDEN_GROUP');
      totals.forbidden += 1;
    }
  }
  expect(totals.forbidden).toBeGreaterThan(20);
});

it('answers 404 to another user on every owned resource, and leaves it as it was', async () => {
  for (const op of operations) {
    if (SHARED[key(op)]) totals.shared += 1;
    const owned = OWNED[key(op)];
    if (!owned) continue;
    const url = fill(op.path, owned.params(fixture));
    expectRefusal(await call(op, url, tokens.other, owned), 404, `other user on ${key(op)}`);
    totals.owned += 1;
    const check = await request(app.url)
      .get(owned.check(fixture))
      .set('Authorization', `Bearer ${tokens.owner}`);
    expect(`${key(op)} then owner's GET ${check.status}`).toBe(`${key(op)} then owner's GET 200`);
  }
  expect(totals.owned).toBe(Object.keys(OWNED).length);
});
