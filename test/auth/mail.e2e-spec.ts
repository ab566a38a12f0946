import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { type FakeSmtp, startSmtp } from '../helpers/smtp.js';

let smtp: FakeSmtp;
let app: AppProcess;

/** Waits for the next mail to the address and returns its (de-folded) text. */
async function nextMail(to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const inbox = smtp.inbox;
    const index = inbox.findIndex((m) => m.to.includes(to));
    if (index >= 0)
      return inbox
        .splice(index, 1)[0]
        .raw.replace(/=\r?\n/g, '')
        .replace(/=3D/g, '=');
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail to ${to}`);
}

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  smtp = await startSmtp();
  app = await startApp({
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    AUTH_REQUIRE_EMAIL_VERIFICATION: 'true',
  });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
  await closeDb();
});

describe('email verification', () => {
  it('refuses login until the emailed link is followed, once', async () => {
    const api = request(app.url);
    await api
      .post('/api/v1/auth/register')
      .send({ email: 'mary@example.org', username: 'mary', password: 'password-123' })
      .expect(201);
    const mail = await nextMail('mary@example.org');
    const token = /verify-email\/([A-Za-z0-9_-]+)/.exec(mail)?.[1];
    expect(token).toBeDefined();
    const [stored] = await sql<{ token_hash: string }>(`SELECT token_hash FROM email_tokens`);
    expect(stored.token_hash).not.toContain(token as string);

    const refused = await api
      .post('/api/v1/auth/login')
      .send({ email: 'mary@example.org', password: 'password-123' })
      .expect(403);
    expect(refused.body.code).toBe('EMAIL_NOT_VERIFIED');
    expect(refused.body.message).toMatch(/not verified/);

    await api
      .get(`/api/v1/auth/verify-email/${token}`)
      .expect(200)
      .expect((r) => expect(r.body.email_verified).toBe(true));
    await api
      .get(`/api/v1/auth/verify-email/${token}`)
      .expect(400)
      .expect((r) => expect(r.body.code).toBe('INVALID_EMAIL_TOKEN'));
    await api
      .post('/api/v1/auth/login')
      .send({ email: 'mary@example.org', password: 'password-123' })
      .expect(200);
  });

  it('resends a new link that replaces the old one, without telling who exists', async () => {
    const api = request(app.url);
    await api
      .post('/api/v1/auth/register')
      .send({ email: 'ann@example.org', username: 'ann', password: 'password-123' })
      .expect(201);
    const first = /verify-email\/([A-Za-z0-9_-]+)/.exec(await nextMail('ann@example.org'))?.[1];
    await api.post('/api/v1/auth/resend-verification').send({ email: 'ann@example.org' }).expect(202);
    await api.post('/api/v1/auth/resend-verification').send({ email: 'nobody@example.org' }).expect(202);
    const second = /verify-email\/([A-Za-z0-9_-]+)/.exec(await nextMail('ann@example.org'))?.[1];
    expect(second).not.toBe(first);
    await api.get(`/api/v1/auth/verify-email/${first}`).expect(400);
    await api.get(`/api/v1/auth/verify-email/${second}`).expect(200);
  });

  it('refuses an expired link', async () => {
    const api = request(app.url);
    await api
      .post('/api/v1/auth/register')
      .send({ email: 'old@example.org', username: 'old', password: 'password-123' })
      .expect(201);
    const token = /verify-email\/([A-Za-z0-9_-]+)/.exec(await nextMail('old@example.org'))?.[1];
    await sql(`UPDATE email_tokens SET expires_at = now() - interval '1 second'`);
    await api.get(`/api/v1/auth/verify-email/${token}`).expect(400);
  });
});

describe('password reset', () => {
  it('always answers 202, mails a single-use token, and the reset signs out every session', async () => {
    const api = request(app.url);
    await api
      .post('/api/v1/auth/register')
      .send({ email: 'rose@example.org', username: 'rose', password: 'password-123' })
      .expect(201);
    // The sign-up mail leaves after the answer, and none is sent to an address verified meanwhile: take it first.
    await nextMail('rose@example.org');
    await sql(`UPDATE users SET email_verified = true WHERE username = 'rose'`);
    const login = await api
      .post('/api/v1/auth/login')
      .send({ email: 'rose@example.org', password: 'password-123' })
      .expect(200);

    const known = await api
      .post('/api/v1/auth/password-reset')
      .send({ email: 'rose@example.org' })
      .expect(202);
    const unknown = await api
      .post('/api/v1/auth/password-reset')
      .send({ email: 'ghost@example.org' })
      .expect(202);
    expect(unknown.body).toEqual(known.body);

    const token = /^([A-Za-z0-9_-]{40,})$/m.exec(await nextMail('rose@example.org'))?.[1];
    expect(token).toBeDefined();
    await api.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'short' }).expect(400);
    await api
      .post('/api/v1/auth/password-reset/confirm')
      .send({ token, password: 'a-new-password' })
      .expect(200);
    await api
      .post('/api/v1/auth/password-reset/confirm')
      .send({ token, password: 'again-password' })
      .expect(400);

    await api.post('/api/v1/auth/refresh').send({ refresh_token: login.body.refresh_token }).expect(401);
    await api
      .post('/api/v1/auth/login')
      .send({ email: 'rose@example.org', password: 'password-123' })
      .expect(401);
    await api
      .post('/api/v1/auth/login')
      .send({ email: 'rose@example.org', password: 'a-new-password' })
      .expect(200);
  });
});
