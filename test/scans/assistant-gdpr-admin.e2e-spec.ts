import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { parseSse, startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.js';

const API_KEY = 'sk-ant-test-0123456789';
const ANSWER = 'Delete the unattached volume vol-0abc first: it costs $18.00 a month.';

let app: AppProcess;
let keyless: AppProcess;
let anthropic: FakeAnthropic;
let alice: { token: string; id: string };
let bob: { token: string; id: string };

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Scan results arranged in SQL: one account, one completed scan, one orphaned volume. */
async function seedResults(ownerId: string): Promise<string> {
  const [account] = await sql<{ id: string }>(
    `INSERT INTO cloud_accounts (id, owner_id, provider, name, account_identifier, regions, credentials_ciphertext, credentials_key_id, credentials_hint)
     VALUES (gen_random_uuid(), $1, 'aws', 'Prod', '123456789012', '{us-east-1}', 'v1.a.b.c', 'k1', 'access key AKIA…MPLE') RETURNING id`,
    [ownerId],
  );
  const [scan] = await sql<{ id: string }>(
    `INSERT INTO scans (account_id, owner_id, type, status, progress, orphans_found, estimated_monthly_waste, started_at, completed_at)
     VALUES ($1, $2, 'manual', 'completed', 100, 1, 18, now(), now()) RETURNING id`,
    [account.id, ownerId],
  );
  await sql(
    `INSERT INTO orphan_resources (scan_id, account_id, owner_id, provider, resource_type, resource_id, resource_name, region, monthly_cost, metadata)
     VALUES ($1, $2, $3, 'aws', 'ebs_volume', 'vol-0abc', 'old-data', 'us-east-1', 18, $4)`,
    [
      scan.id,
      account.id,
      ownerId,
      JSON.stringify({
        age_days: 200,
        reason: 'Unattached; no I/O for 200 days',
        confidence: 'critical',
        cost_breakdown: [],
      }),
    ],
  );
  return account.id;
}

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  anthropic = await startFakeAnthropic(API_KEY, ANSWER);
  [app, keyless] = await Promise.all([
    startApp({
      ANTHROPIC_API_KEY: API_KEY,
      ANTHROPIC_BASE_URL: anthropic.url,
      CHAT_DAILY_MESSAGE_LIMIT: '2',
    }),
    startApp({ ANTHROPIC_API_KEY: '' }),
  ]);
  const a = await signedIn(app.url);
  const b = await signedIn(app.url);
  alice = { token: a.token, id: a.user.id };
  bob = { token: b.token, id: b.user.id };
  await seedResults(alice.id);
});
afterAll(async () => {
  await Promise.all([app?.stop(), keyless?.stop()]);
  await anthropic?.close();
  await closeDb();
});

describe('assistant', () => {
  it('answers 503 when no ANTHROPIC_API_KEY is set', async () => {
    const carol = await signedIn(keyless.url);
    const conversation = await request(keyless.url)
      .post('/api/v1/chat/conversations')
      .set(as(carol.token))
      .send({})
      .expect(201);
    const res = await request(keyless.url)
      .post(`/api/v1/chat/conversations/${conversation.body.id}/messages`)
      .set(as(carol.token))
      .send({ content: 'Hello?' })
      .expect(503);
    expect(res.body).toMatchObject({ code: 'ASSISTANT_NOT_CONFIGURED' });
    expect(res.body.message).toContain('ANTHROPIC_API_KEY');
  });

  it('streams the answer as SSE, grounded in the caller’s scan results, and keeps the conversation', async () => {
    const conversation = await request(app.url)
      .post('/api/v1/chat/conversations')
      .set(as(alice.token))
      .send({ title: 'Savings' })
      .expect(201);
    const res = await request(app.url)
      .post(`/api/v1/chat/conversations/${conversation.body.id}/messages`)
      .set(as(alice.token))
      .send({ content: 'What should I delete first?' })
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => callback(null, text));
      })
      .expect(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    const events = parseSse(res.body as string);
    const deltas = events.filter((e) => e.event === 'message').map((e) => e.data.delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(ANSWER);
    const done = events.at(-1);
    expect(done).toMatchObject({ event: 'done', data: { usage: { input_tokens: 321, output_tokens: 42 } } });

    const sent = anthropic.requests.at(-1)!;
    expect(sent.apiKey).toBe(API_KEY);
    expect(sent.body.stream).toBe(true);
    expect(sent.body.system).toContain('vol-0abc');
    expect(sent.body.system).toContain('$18.00/month');
    expect(sent.body.messages).toEqual([{ role: 'user', content: 'What should I delete first?' }]);

    const detail = await request(app.url)
      .get(`/api/v1/chat/conversations/${conversation.body.id}`)
      .set(as(alice.token))
      .expect(200);
    expect(detail.body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'What should I delete first?'],
      ['assistant', ANSWER],
    ]);
    expect(done?.data.message_id).toBe(detail.body.messages[1].id);
    const list = await request(app.url).get('/api/v1/chat/conversations').set(as(alice.token)).expect(200);
    expect(list.body.total).toBe(1);

    // Other users see none of it.
    await request(app.url)
      .get(`/api/v1/chat/conversations/${conversation.body.id}`)
      .set(as(bob.token))
      .expect(404);
    await request(app.url)
      .post(`/api/v1/chat/conversations/${conversation.body.id}/messages`)
      .set(as(bob.token))
      .send({ content: 'Hi' })
      .expect(404);
    expect(
      (await request(app.url).get('/api/v1/chat/conversations').set(as(bob.token)).expect(200)).body.total,
    ).toBe(0);

    // An upstream failure ends the stream with an `error` event; this is the second message of the day.
    anthropic.failNext = { status: 400, type: 'invalid_request_error', message: 'prompt is too long' };
    const failed = await request(app.url)
      .post(`/api/v1/chat/conversations/${conversation.body.id}/messages`)
      .set(as(alice.token))
      .send({ content: 'And then?' })
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => callback(null, text));
      })
      .expect(200);
    expect(parseSse(failed.body as string).at(-1)).toMatchObject({ event: 'error' });
    expect(String(parseSse(failed.body as string).at(-1)?.data.message)).toContain('prompt is too long');

    // The daily limit (2 here, 50 by default) is per user.
    const limited = await request(app.url)
      .post(`/api/v1/chat/conversations/${conversation.body.id}/messages`)
      .set(as(alice.token))
      .send({ content: 'One more?' })
      .expect(429);
    expect(limited.body.code).toBe('CHAT_LIMIT_REACHED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('GDPR', () => {
  it('exports everything held about the caller without secrets, and erases it on confirmation', async () => {
    const exported = await request(app.url)
      .get('/api/v1/gdpr/export-my-data')
      .set(as(alice.token))
      .expect(200);
    expect(exported.body.user.id).toBe(alice.id);
    expect(exported.body.cloud_accounts).toHaveLength(1);
    expect(exported.body.cloud_accounts[0].credentials_hint).toBe('access key AKIA…MPLE');
    expect(exported.body.scans).toHaveLength(1);
    expect(exported.body.resources[0].resource_id).toBe('vol-0abc');
    expect(exported.body.conversations[0].messages.length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(exported.body);
    expect(text).not.toContain('credentials_ciphertext');
    expect(text).not.toContain('v1.a.b.c');
    expect(text).not.toContain('password');

    const bobExport = await request(app.url)
      .get('/api/v1/gdpr/export-my-data')
      .set(as(bob.token))
      .expect(200);
    expect(bobExport.body.cloud_accounts).toEqual([]);

    await request(app.url)
      .delete('/api/v1/gdpr/delete-my-data')
      .set(as(alice.token))
      .send({ confirm: 'yes' })
      .expect(400);
    const erased = await request(app.url)
      .delete('/api/v1/gdpr/delete-my-data')
      .set(as(alice.token))
      .send({ confirm: 'DELETE MY DATA' })
      .expect(200);
    expect(erased.body.deleted).toMatchObject({
      cloud_accounts: 1,
      scans: 1,
      resources: 1,
      conversations: 1,
    });
    for (const table of [
      'cloud_accounts',
      'scans',
      'orphan_resources',
      'chat_conversations',
      'chat_messages',
    ])
      expect(await sql(`SELECT 1 FROM ${table} WHERE owner_id = $1`, [alice.id])).toHaveLength(0);
    await request(app.url).get('/api/v1/auth/me').set(as(alice.token)).expect(200);
  });
});

describe('admin', () => {
  it('shows scan figures and manages regional price overrides, for admins only', async () => {
    const admin = await signedIn(app.url, { role: 'admin' });
    await request(app.url).get('/api/v1/admin/scans/stats').set(as(bob.token)).expect(403);
    await request(app.url).get('/api/v1/admin/pricing').set(as(bob.token)).expect(403);
    await seedResults(bob.id);
    const stats = await request(app.url).get('/api/v1/admin/scans/stats').set(as(admin.token)).expect(200);
    expect(stats.body).toMatchObject({
      accounts_by_provider: [{ provider: 'aws', count: 1, active: 1 }],
      scans_by_status: { completed: 1 },
      latest_scans: { accounts: 1, orphans: 1, monthly_waste: 18 },
    });

    const prices = await request(app.url).get('/api/v1/admin/pricing').set(as(admin.token)).expect(200);
    expect(prices.body).toContainEqual(
      expect.objectContaining({ key: 'aws.ebs.gp3.gb_month', region: '*', usd: 0.08 }),
    );
    expect(prices.body).toContainEqual(expect.objectContaining({ key: 'aws.nat_gateway.month', usd: 32.4 }));
    const set = await request(app.url)
      .put('/api/v1/admin/pricing/aws.ebs.gp3.gb_month')
      .set(as(admin.token))
      .send({ region: 'eu-west-1', usd: 0.088 })
      .expect(200);
    expect(set.body).toMatchObject({
      key: 'aws.ebs.gp3.gb_month',
      region: 'eu-west-1',
      usd: 0.088,
      unit: 'GB-month',
    });
    await request(app.url)
      .put('/api/v1/admin/pricing/aws.teleporter')
      .set(as(admin.token))
      .send({ region: 'eu-west-1', usd: 1 })
      .expect(404);
    await request(app.url)
      .put('/api/v1/admin/pricing/aws.ebs.gp3.gb_month')
      .set(as(admin.token))
      .send({ region: 'eu-west-1', usd: -1 })
      .expect(400);
    await request(app.url)
      .delete('/api/v1/admin/pricing/aws.ebs.gp3.gb_month?region=eu-west-1')
      .set(as(admin.token))
      .expect(204);
    await request(app.url)
      .delete('/api/v1/admin/pricing/aws.ebs.gp3.gb_month?region=eu-west-1')
      .set(as(admin.token))
      .expect(404);
  });
});
