import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { io } from 'socket.io-client';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';

/** Secrets of our own, as production requires (never a published example value). */
const ownSecrets = () => ({
  JWT_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
});

const execFileP = promisify(execFile);
const run = (file: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) =>
  execFileP(file, args, { timeout: 20_000, ...opts });
let app: AppProcess;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp({ LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
});

describe('configuration', () => {
  it('refuses to start and names every bad variable at once', async () => {
    const env = {
      ...process.env,
      PORT: 'abc',
      JWT_SECRET: 'short',
      DATABASE_URL: 'mysql://nope',
      LOG_FORMAT: 'xml',
    };
    const failure = await run(process.execPath, ['dist/main.js'], { env }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(1);
    for (const name of ['PORT', 'JWT_SECRET', 'DATABASE_URL', 'LOG_FORMAT'])
      expect(failure?.stderr).toContain(name);
    expect(failure?.stderr).not.toContain('short');
  });

  it('refuses to start in production with the published example secrets, naming them', async () => {
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: 'change-me-in-production-this-is-only-for-local-dev',
      ENCRYPTION_KEY: 'ZGV2LW9ubHktZGV2LW9ubHktZGV2LW9ubHktMDAwMDA=',
    };
    const failure = await run(process.execPath, ['dist/main.js'], { env }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/JWT_SECRET=\(hidden\): is the published example value/);
    expect(failure?.stderr).toMatch(/ENCRYPTION_KEY=\(hidden\): is the published example value/);
    expect(failure?.stderr).not.toContain(env.JWT_SECRET);
  });
});

describe('OpenAPI docs', () => {
  it('are served in development, hidden in production unless SWAGGER_ENABLED=true', async () => {
    await request(app.url).get('/api/docs-json').expect(200);
    const production = await startApp({ NODE_ENV: 'production', ...ownSecrets() });
    try {
      await request(production.url).get('/api/docs-json').expect(404);
      await request(production.url).get('/api/docs').expect(404);
    } finally {
      await production.stop();
    }
    const enabled = await startApp({ NODE_ENV: 'production', SWAGGER_ENABLED: 'true', ...ownSecrets() });
    try {
      await request(enabled.url).get('/api/docs-json').expect(200);
    } finally {
      await enabled.stop();
    }
  });
});

describe('CLI', () => {
  it('creates users with role and groups, and refuses bad input', async () => {
    const out = await run(process.execPath, [
      'dist/cli.js',
      'user:create',
      '--email',
      'cli@example.org',
      '--username',
      'cli',
      '--password',
      'password-123',
      '--role',
      'researcher',
      '--groups',
      'uploader,editor',
    ]);
    expect(out.stdout).toMatch(/Created researcher cli/);
    const [row] = await sql<{ role: string; groups: string[]; email_verified: boolean }>(
      `SELECT role, groups, email_verified FROM users WHERE username = 'cli'`,
    );
    expect(row).toEqual({ role: 'researcher', groups: ['editor', 'uploader'], email_verified: true });
    await request(app.url)
      .post('/api/v1/auth/login')
      .send({ username: 'cli', password: 'password-123' })
      .expect(200);

    const bad = await run(process.execPath, [
      'dist/cli.js',
      'user:create',
      '--email',
      'x@example.org',
      '--username',
      'x',
      '--password',
      'password-123',
      '--role',
      'god',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).not.toBe(0);
    const taken = await run(process.execPath, [
      'dist/cli.js',
      'user:create',
      '--email',
      'CLI@example.org',
      '--username',
      'cli2',
      '--password',
      'password-123',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((taken as { stderr: string }).stderr).toMatch(/already registered/);
  });

  it('applies migrations idempotently and seeds the demo admin once', async () => {
    const migrate = await run(process.execPath, ['dist/cli.js', 'migrate']);
    expect(migrate.stdout).toMatch(/up to date/);
    const env = { ...process.env, DEMO_USER: 'demo@example.org', DEMO_PASS: 'demo-password' };
    expect((await run(process.execPath, ['dist/cli.js', 'demo:seed'], { env })).stdout).toMatch(
      /Created demo admin/,
    );
    expect((await run(process.execPath, ['dist/cli.js', 'demo:seed'], { env })).stdout).toMatch(
      /already exists/,
    );
    // Production takes no published secret (the test environment's are in the repository): its own, random.
    const prod = await run(process.execPath, ['dist/cli.js', 'demo:seed'], {
      env: { ...env, NODE_ENV: 'production', ...ownSecrets() },
    }).catch((e: { stderr: string }) => e);
    expect((prod as { stderr: string }).stderr).toMatch(/does not run in production/);
    // A demo deployment (the Docker quick start) says so.
    const demo = await run(process.execPath, ['dist/cli.js', 'demo:seed'], {
      env: { ...env, NODE_ENV: 'production', DEMO_DATA: 'true', ...ownSecrets() },
    });
    expect(demo.stdout).toMatch(/already exists/);
    const [row] = await sql<{ role: string }>(`SELECT role FROM users WHERE email = 'demo@example.org'`);
    expect(row.role).toBe('admin');
  });
});

describe('Socket.IO /events', () => {
  it('refuses a handshake without a valid token and accepts one with it', async () => {
    const refused = io(`${app.url}/events`, { transports: ['websocket'], reconnection: false });
    const error = await new Promise<Error>((resolve) => refused.on('connect_error', resolve));
    expect(error.message).toMatch(/Authentication required/);
    refused.close();

    const { token } = await signedIn(app.url);
    const client = io(`${app.url}/events`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token },
    });
    await new Promise<void>((resolve, reject) => {
      client.on('connect', resolve);
      client.on('connect_error', reject);
    });
    expect(client.connected).toBe(true);
    client.close();
  });
});

describe('logs', () => {
  it('logs each request as JSON with method, path, status, duration, user id and request id, without secrets', async () => {
    const { user, token } = await signedIn(app.url);
    await request(app.url)
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-ID', 'log-check-1')
      .expect(200);
    await new Promise((r) => setTimeout(r, 200));
    const lines = app
      .output()
      .split('\n')
      .filter((l) => l.includes('log-check-1'));
    expect(lines.length).toBeGreaterThan(0);
    const entry = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/api/v1/auth/me',
      status: 200,
      user_id: user.id,
      requestId: 'log-check-1',
    });
    expect(typeof entry.duration_ms).toBe('number');
    expect(app.output()).not.toContain(token);
    expect(app.output()).not.toContain(user.password);
  });
});
