import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { createUser, signedIn, tokenFor } from '../helpers/users.js';

let app: AppProcess;

/** `name=value` pairs of the Set-Cookie headers. */
function cookies(res: request.Response): Record<string, string> {
  const raw = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return Object.fromEntries(raw.map((c) => c.split(';')[0].split('=') as [string, string]));
}

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
});

describe('register, login, me, refresh, logout', () => {
  it('runs the whole flow with bearer tokens', async () => {
    const api = request(app.url);
    const reg = await api
      .post('/api/v1/auth/register')
      .send({ email: 'Ada@Example.org', username: 'ada', password: 'analytical-engine' })
      .expect(201);
    expect(reg.body).toMatchObject({
      email: 'Ada@Example.org',
      username: 'ada',
      role: 'user',
      groups: [],
      email_verified: false,
    });
    expect(reg.body.password_hash).toBeUndefined();
    const [stored] = await sql<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE username = 'ada'`,
    );
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);

    await api
      .post('/api/v1/auth/register')
      .send({ email: 'ada@example.org', username: 'other', password: 'analytical-engine' })
      .expect(409)
      .expect((r) => expect(r.body.code).toBe('EMAIL_TAKEN'));
    await api
      .post('/api/v1/auth/register')
      .send({ email: 'x@example.org', username: 'ADA', password: 'analytical-engine' })
      .expect(409)
      .expect((r) => expect(r.body.code).toBe('USERNAME_TAKEN'));

    const login = await api
      .post('/api/v1/auth/login')
      .send({ username: 'ada', password: 'analytical-engine' })
      .expect(200);
    expect(login.body).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    const jar = cookies(login);
    expect(jar.access_token).toBe(login.body.access_token);
    const setCookie = (login.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(setCookie).toMatch(/access_token=.*HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);

    const me = await api
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(me.body).toMatchObject({ username: 'ada', email: 'Ada@Example.org' });

    const refreshed = await api
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: login.body.refresh_token })
      .expect(200);
    expect(refreshed.body.refresh_token).not.toBe(login.body.refresh_token);
    await api
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${refreshed.body.access_token}`)
      .expect(200);

    await api.post('/api/v1/auth/logout').send({ refresh_token: refreshed.body.refresh_token }).expect(200);
    await api.post('/api/v1/auth/refresh').send({ refresh_token: refreshed.body.refresh_token }).expect(401);
  });

  it('runs the whole flow with cookies only', async () => {
    const user = await createUser();
    const api = request(app.url);
    const login = await api
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const jar = cookies(login);
    await api
      .get('/api/v1/auth/me')
      .set('Cookie', `access_token=${jar.access_token}`)
      .expect(200)
      .expect((r) => expect(r.body.id).toBe(user.id));

    const refreshed = await api
      .post('/api/v1/auth/refresh')
      .set('Cookie', `refresh_token=${jar.refresh_token}`)
      .send({})
      .expect(200);
    const jar2 = cookies(refreshed);
    expect(jar2.refresh_token).toBeDefined();
    expect(jar2.refresh_token).not.toBe(jar.refresh_token);

    const out = await api
      .post('/api/v1/auth/logout')
      .set('Cookie', `refresh_token=${jar2.refresh_token}`)
      .send({})
      .expect(200);
    expect((out.headers['set-cookie'] as unknown as string[]).join('\n')).toMatch(/access_token=;/);
    await api
      .post('/api/v1/auth/refresh')
      .set('Cookie', `refresh_token=${jar2.refresh_token}`)
      .send({})
      .expect(401);
  });

  it('revokes the whole family when a rotated refresh token is reused', async () => {
    const user = await createUser();
    const api = request(app.url);
    const login = await api
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const first = login.body.refresh_token as string;
    const second = (await api.post('/api/v1/auth/refresh').send({ refresh_token: first }).expect(200)).body
      .refresh_token as string;

    const reuse = await api.post('/api/v1/auth/refresh').send({ refresh_token: first }).expect(401);
    expect(reuse.body.code).toBe('TOKEN_REUSED');
    // The legitimate holder's newer token died with the family.
    await api.post('/api/v1/auth/refresh').send({ refresh_token: second }).expect(401);
    const [{ live }] = await sql<{ live: number }>(
      `SELECT count(*)::int AS live FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`,
      [user.id],
    );
    expect(live).toBe(0);
  });

  it('refuses wrong passwords, unknown users and disabled accounts the same careful way', async () => {
    const user = await createUser();
    const api = request(app.url);
    const wrong = await api
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'not-the-password' })
      .expect(401);
    const unknown = await api
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@example.org', password: 'whatever1' })
      .expect(401);
    expect(wrong.body.message).toBe(unknown.body.message);

    const token = await tokenFor(app.url, user);
    await sql(`UPDATE users SET is_active = false WHERE id = $1`, [user.id]);
    await api
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(403)
      .expect((r) => expect(r.body.code).toBe('ACCOUNT_DISABLED'));
    // A disabled user's still-valid access token stops working at once.
    await api.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('updates the profile; a password change needs the current one and ends other sessions', async () => {
    const { user, token } = await signedIn(app.url);
    const api = request(app.url);
    const login = await api
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    await api
      .patch('/api/v1/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .send({ username: `${user.username}_new` })
      .expect(200)
      .expect((r) => expect(r.body.username).toBe(`${user.username}_new`));
    await api
      .patch('/api/v1/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .send({ password: 'brand-new-password' })
      .expect(400)
      .expect((r) => expect(r.body.code).toBe('WRONG_PASSWORD'));
    await api
      .patch('/api/v1/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .send({ password: 'brand-new-password', currentPassword: user.password })
      .expect(200);
    await api.post('/api/v1/auth/refresh').send({ refresh_token: login.body.refresh_token }).expect(401);
    await api
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'brand-new-password' })
      .expect(200);
  });
});

describe('roles and groups', () => {
  it('lets only admins use the admin routes, and maps role and group changes', async () => {
    const admin = await signedIn(app.url, { role: 'admin' });
    const plain = await signedIn(app.url);
    const api = request(app.url);

    const denied = await api
      .get('/api/v1/admin/users')
      .set('Authorization', `Bearer ${plain.token}`)
      .expect(403);
    expect(denied.body).toMatchObject({
      statusCode: 403,
      code: 'FORBIDDEN_ROLE',
      message: "User must have role 'admin'",
    });
    expect(denied.body.requestId).toEqual(expect.any(String));

    const list = await api
      .get('/api/v1/admin/users?limit=1')
      .set('Authorization', `Bearer ${admin.token}`)
      .expect(200);
    expect(list.body).toMatchObject({ limit: 1, offset: 0 });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.total).toBeGreaterThanOrEqual(2);

    const patched = await api
      .patch(`/api/v1/admin/users/${plain.user.id}`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ role: 'researcher', groups: ['Uploader', 'editor', 'uploader'] })
      .expect(200);
    expect(patched.body).toMatchObject({ role: 'researcher', groups: ['editor', 'uploader'] });
    // The change applies to the existing token at once: the user is read on every request.
    await api
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${plain.token}`)
      .expect(200)
      .expect((r) => expect(r.body.role).toBe('researcher'));

    await api
      .patch('/api/v1/admin/users/not-a-uuid')
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ role: 'user' })
      .expect(400);
    await api
      .patch('/api/v1/admin/users/00000000-0000-4000-8000-000000000000')
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ role: 'user' })
      .expect(404);
    await api
      .patch(`/api/v1/admin/users/${plain.user.id}`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ role: 'god' })
      .expect(400);

    const stats = await api
      .get('/api/v1/admin/stats')
      .set('Authorization', `Bearer ${admin.token}`)
      .expect(200);
    expect(stats.body.users.by_role.admin).toBeGreaterThanOrEqual(1);
  });
});

describe('errors', () => {
  const bad: Array<[string, string, string | object, number, string]> = [
    ['malformed JSON', '/api/v1/auth/login', '{"email": ', 400, 'MALFORMED_JSON'],
    [
      'unknown field',
      '/api/v1/auth/register',
      { email: 'a@b.org', username: 'abc', password: 'password1', admin: true },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'wrong type',
      '/api/v1/auth/register',
      { email: 'a@b.org', username: 42, password: 'password1' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'short password',
      '/api/v1/auth/register',
      { email: 'a@b.org', username: 'abc', password: 'short' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'bad email',
      '/api/v1/auth/register',
      { email: 'not-an-email', username: 'abc', password: 'password1' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'over-long username',
      '/api/v1/auth/register',
      { email: 'a@b.org', username: 'x'.repeat(51), password: 'password1' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'over-long password',
      '/api/v1/auth/login',
      { email: 'a@b.org', password: 'x'.repeat(129) },
      400,
      'VALIDATION_FAILED',
    ],
    ['no identifier', '/api/v1/auth/login', { password: 'password1' }, 400, 'VALIDATION_FAILED'],
    ['array body', '/api/v1/auth/login', [1, 2], 400, 'VALIDATION_FAILED'],
    [
      'body over the limit',
      '/api/v1/auth/register',
      { email: 'a@b.org', username: 'abc', password: 'x'.repeat(2 * 1024 * 1024) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ];

  it.each(bad)('%s (%s)', async (_name, path, body, status, code) => {
    const req = request(app.url).post(path).set('Content-Type', 'application/json');
    const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body)).expect(status);
    expect(res.body).toMatchObject({
      statusCode: status,
      code,
      requestId: expect.any(String),
      message: expect.any(String),
    });
  });

  it('names every bad field in details', async () => {
    const res = await request(app.url)
      .post('/api/v1/auth/register')
      .send({ email: 'nope', username: 'a', password: 'x' })
      .expect(400);
    const fields = (res.body.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(['email', 'password', 'username']);
  });

  it('answers unknown routes with 404 in the same shape', async () => {
    const res = await request(app.url).get('/api/v1/nothing-here').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('echoes a caller request id and uses it in the error body', async () => {
    const res = await request(app.url)
      .get('/api/v1/auth/me')
      .set('X-Request-ID', 'trace-abc-123')
      .expect(401);
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    expect(res.body.requestId).toBe('trace-abc-123');
  });

  it('replaces an unsafe request id with a fresh one', async () => {
    const res = await request(app.url).get('/health').set('X-Request-ID', 'bad id; with spaces and <script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health, status and docs', () => {
  it('reports every part', async () => {
    const health = await request(app.url).get('/health').expect(200);
    expect(health.body.details).toMatchObject({
      database: { status: 'up' },
      redis: { status: 'up' },
      mqtt: { status: 'up' },
    });
    const status = await request(app.url).get('/api/v1/status').expect(200);
    expect(status.body).toMatchObject({
      name: 'terrawatch',
      version: expect.any(String),
      connections: { mqtt: { connected: true } },
    });
    expect(status.body.uptime_seconds).toBeGreaterThanOrEqual(0);
  });

  it('serves the OpenAPI document with both security schemes', async () => {
    const doc = await request(app.url).get('/api/docs-json').expect(200);
    expect(Object.keys(doc.body.components.securitySchemes).sort()).toEqual(['bearer', 'cookie']);
    expect(doc.body.paths['/api/v1/auth/login']).toBeDefined();
    await request(app.url).get('/api/docs').expect(200);
  });
});
