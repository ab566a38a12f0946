import { io } from 'socket.io-client';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * Cross-site WebSockets: the access_token cookie authenticates a Socket.IO handshake only from an origin that the
 * HTTP CORS allows (or the app's own); an explicit token works from anywhere.
 */
const ALLOWED = 'https://console.example.org';
const FOREIGN = 'https://evil.example.net';

let app: AppProcess;
let user: TestUser;
let cookie: string;
let token: string;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp({ CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
  user = await createUser();
  const login = await request(app.url)
    .post('/api/v1/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  const setCookie = (login.headers['set-cookie'] as unknown as string[]).find((c) =>
    c.startsWith('access_token='),
  );
  expect(setCookie).toMatch(/HttpOnly/);
  cookie = (setCookie as string).split(';')[0];
  token = login.body.access_token as string;
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
});

type Transport = 'websocket' | 'polling';
type Outcome = { connected: true } | { connected: false; message: string };

/** Opens a socket as a browser page of `origin` would (or a non-browser client without one) and closes it again. */
async function handshake(
  namespace: '/sensors' | '/events',
  transport: Transport,
  opts: { cookie?: string; origin?: string; token?: string; bearer?: string },
): Promise<Outcome> {
  const extraHeaders: Record<string, string> = {};
  if (opts.cookie) extraHeaders.Cookie = opts.cookie;
  if (opts.origin) extraHeaders.Origin = opts.origin;
  if (opts.bearer) extraHeaders.Authorization = `Bearer ${opts.bearer}`;
  const socket = io(`${app.url}${namespace}`, {
    transports: [transport],
    reconnection: false,
    forceNew: true,
    extraHeaders,
    ...(opts.token ? { auth: { token: opts.token } } : {}),
  });
  try {
    return await new Promise<Outcome>((resolve) => {
      socket.on('connect', () => resolve({ connected: true }));
      socket.on('connect_error', (e: Error) => resolve({ connected: false, message: e.message }));
    });
  } finally {
    socket.close();
  }
}

describe.each<Transport>(['websocket', 'polling'])('Socket.IO handshake over %s', (transport) => {
  it('refuses the cookie from a foreign origin, on /sensors and /events', async () => {
    for (const namespace of ['/sensors', '/events'] as const) {
      const outcome = await handshake(namespace, transport, { cookie, origin: FOREIGN });
      expect(outcome).toEqual({
        connected: false,
        message: expect.stringContaining(`not accepted from origin ${FOREIGN}`),
      });
    }
  });

  it('accepts the cookie from an origin in CORS_ORIGINS', async () => {
    expect(await handshake('/sensors', transport, { cookie, origin: ALLOWED })).toEqual({ connected: true });
    expect(await handshake('/events', transport, { cookie, origin: 'http://localhost:5173' })).toEqual({
      connected: true,
    });
  });

  it("accepts the cookie from the app's own origin without a CORS_ORIGINS entry", async () => {
    // The console served by the app: the page's origin is the scheme, host and port the socket connects to.
    expect(await handshake('/sensors', transport, { cookie, origin: app.url })).toEqual({ connected: true });
    // Same host with another port or scheme: another origin.
    for (const origin of ['http://127.0.0.1:1', app.url.replace('http:', 'https:')])
      expect(await handshake('/sensors', transport, { cookie, origin })).toMatchObject({ connected: false });
  });

  it('accepts the cookie without Origin (not a browser)', async () => {
    expect(await handshake('/sensors', transport, { cookie })).toEqual({ connected: true });
  });

  it('accepts an explicit token with or without Origin, and a bearer header', async () => {
    expect(await handshake('/sensors', transport, { token })).toEqual({ connected: true });
    expect(await handshake('/sensors', transport, { bearer: token })).toEqual({ connected: true });
    // A foreign page cannot know the token: it is not an ambient credential.
    expect(await handshake('/sensors', transport, { token, origin: FOREIGN, cookie })).toEqual({
      connected: true,
    });
  });

  it('still refuses a handshake without any credential', async () => {
    expect(await handshake('/sensors', transport, { origin: ALLOWED })).toEqual({
      connected: false,
      message: expect.stringMatching(/Authentication required/),
    });
  });
});

describe('Socket.IO CORS (polling)', () => {
  const poll = (origin: string) =>
    request(app.url).get('/socket.io/?EIO=4&transport=polling').set('Origin', origin).expect(200);

  it('lets a page of an allowed origin read the answers, with credentials', async () => {
    const res = await poll(ALLOWED);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  it('gives a foreign page no CORS headers, as the HTTP API does', async () => {
    const res = await poll(FOREIGN);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const api = await request(app.url).get('/api/v1/status').set('Origin', FOREIGN).expect(200);
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
  });
});
