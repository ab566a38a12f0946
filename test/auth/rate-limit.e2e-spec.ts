import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { createUser } from '../helpers/users.js';

const limits = {
  THROTTLE_LOGIN_LIMIT: '5',
  THROTTLE_REGISTER_LIMIT: '3',
  THROTTLE_REFRESH_LIMIT: '10',
  THROTTLE_DEFAULT_LIMIT: '100',
};
let a: AppProcess;
let b: AppProcess;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  [a, b] = await Promise.all([startApp(limits), startApp(limits)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  // The counters (and blocks) left here would otherwise throttle the next suites for a minute.
  await flushRedis();
  await closeDb();
});
beforeEach(flushRedis);

describe('rate limits (Redis storage, shared by replicas)', () => {
  it('allows 5 logins a minute across two replicas, then 429 with Retry-After', async () => {
    const user = await createUser();
    const body = { email: user.email, password: 'wrong-password' };
    for (const app of [a, b, a, b, a])
      await request(app.url).post('/api/v1/auth/login').send(body).expect(401);
    const limited = await request(b.url).post('/api/v1/auth/login').send(body).expect(429);
    expect(limited.body).toMatchObject({
      statusCode: 429,
      code: 'RATE_LIMITED',
      requestId: expect.any(String),
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Other routes keep their own budget.
    await request(a.url).get('/health').expect(200);
    await request(a.url).get('/api/v1/status').expect(200);
  });

  it('allows 3 registrations a minute', async () => {
    for (let i = 0; i < 3; i++) {
      await request(a.url)
        .post('/api/v1/auth/register')
        .send({ email: `r${i}@example.org`, username: `r${i}user`, password: 'password-123' })
        .expect(201);
    }
    await request(b.url)
      .post('/api/v1/auth/register')
      .send({ email: 'r9@example.org', username: 'r9user', password: 'password-123' })
      .expect(429);
  });

  it('allows 10 refreshes a minute', async () => {
    for (let i = 0; i < 10; i++)
      await request(a.url).post('/api/v1/auth/refresh').send({ refresh_token: 'x' }).expect(401);
    await request(a.url).post('/api/v1/auth/refresh').send({ refresh_token: 'x' }).expect(429);
  });

  it('allows 100 requests a minute elsewhere', async () => {
    for (let i = 0; i < 100; i++) await request(a.url).get('/api/v1/auth/me').expect(401);
    await request(b.url).get('/api/v1/auth/me').expect(429);
  });
});
