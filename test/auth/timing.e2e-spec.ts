import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { type FakeSmtp, startSmtp } from '../helpers/smtp.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * Login and password reset must not tell whether an account exists by how long they take. The SMTP server here is
 * slow (as real ones can be), so a route that waited for it only for known addresses would show it plainly.
 */
const SAMPLES = 20;
const SMTP_DELAY_MS = 300;

let smtp: FakeSmtp;
let app: AppProcess;
let known: TestUser;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  smtp = await startSmtp({ delayMs: SMTP_DELAY_MS });
  app = await startApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  known = await createUser({ name: 'timing-known' });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
  await closeDb();
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Times `SAMPLES` requests for a known and an unknown account, interleaved so that drift hits both alike. */
async function timings(send: (account: 'known' | 'unknown') => Promise<unknown>) {
  const ms = { known: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < SAMPLES; i++)
    for (const account of i % 2 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
      const started = performance.now();
      await send(account);
      ms[account].push(performance.now() - started);
    }
  const result = { known: median(ms.known), unknown: median(ms.unknown) };
  process.stdout.write(
    `timing: medians over ${SAMPLES} samples, known ${result.known.toFixed(1)} ms, unknown ${result.unknown.toFixed(1)} ms\n`,
  );
  return result;
}

/** Equal within noise: 15 ms, or a quarter of the faster median when that is more. */
function expectSameTime({ known: a, unknown: b }: { known: number; unknown: number }) {
  expect(Math.abs(a - b)).toBeLessThan(Math.max(15, 0.25 * Math.min(a, b)));
}

it('answers a login with a wrong password in the same time whether or not the account exists', async () => {
  const api = request(app.url);
  expectSameTime(
    await timings((account) =>
      api
        .post('/api/v1/auth/login')
        .send({ email: account === 'known' ? known.email : 'nobody@example.org', password: 'wrong-password' })
        .expect(401),
    ),
  );
});

it('answers a password reset request in the same time whether or not the account exists, and mails after', async () => {
  const api = request(app.url);
  const result = await timings((account) =>
    api
      .post('/api/v1/auth/password-reset')
      .send({ email: account === 'known' ? known.email : 'nobody@example.org' })
      .expect(202),
  );
  expectSameTime(result);
  // The mail is not sent while the request waits: neither answer took as long as one SMTP delivery.
  expect(Math.max(result.known, result.unknown)).toBeLessThan(SMTP_DELAY_MS);
  const delivered = () => smtp.inbox.flatMap((mail) => mail.to);
  for (let i = 0; i < 200 && delivered().length < SAMPLES; i++) await new Promise((r) => setTimeout(r, 100));
  expect(delivered().filter((to) => to === known.email)).toHaveLength(SAMPLES);
  expect(delivered()).not.toContain('nobody@example.org');
});
