import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { createUser, tokenFor } from '../helpers/users.js';

/**
 * PostgreSQL "restarting" for 8 s under the app (its connections cut, new ones refused, through a port of the
 * test's own in front of the shared server): the routes that need it answer 503 with the JSON error body, never
 * 401 or 500; the process stays up and serves again by itself.
 */
let proxy: TcpProxy;
let app: AppProcess;
let token: string;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  const db = new URL(process.env.DATABASE_URL as string);
  proxy = await TcpProxy.start({ host: db.hostname, port: Number(db.port || 5432) });
  db.port = String(proxy.port);
  app = await startApp({ DATABASE_URL: db.toString() });
  token = await tokenFor(app.url, await createUser());
});
afterAll(async () => {
  await app?.stop();
  await proxy?.down();
  await closeDb();
});

it('answers 503, never 401 or 500, while the database is down, and recovers by itself', async () => {
  const api = request(app.url);
  const me = () => api.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
  const search = () => api.get('/api/v1/species/observations?lat=50&lng=0&radius_km=10');
  await me().expect(200);

  await proxy.down();
  for (const call of [me, search, me]) {
    const res = await call();
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringMatching(/database is unavailable/),
      requestId: expect.any(String),
    });
    expect(res.headers['retry-after']).toBe('5');
  }
  expect((await api.get('/health/live')).status).toBe(200);
  expect((await api.get('/health/ready')).status).toBe(503);

  await new Promise((r) => setTimeout(r, 8_000));
  await proxy.up();
  for (let i = 0; i < 100 && (await me()).status !== 200; i++) await new Promise((r) => setTimeout(r, 200));
  await me().expect(200);
  expect((await search()).status).toBe(200);
  expect((await api.get('/health/ready')).status).toBe(200);
});
