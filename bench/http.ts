import autocannon from 'autocannon';
import { freePort, migrate, startProcess, table } from './lib.js';

/**
 * `npm run bench:http`: Terrawatch's `GET /health` and an authenticated `GET /api/v1/auth/me` under autocannon,
 * beside a bare node:http server answering the same JSON, in the same run. Prints requests/s and p99 latency of
 * each and the ratio app / bare.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function load(url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: Math.round(result.requests.average), p99: result.latency.p99 };
}

async function main(): Promise<void> {
  migrate();
  const app = await startProcess(['dist/main.js'], {
    LOG_LEVEL: 'warn',
    THROTTLE_DEFAULT_LIMIT: '100000000',
    THROTTLE_LOGIN_LIMIT: '1000',
  });
  const email = `bench-${Date.now()}@example.org`;
  const password = 'bench-password-1';
  await fetch(`${app.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, username: `bench${Date.now()}`, password }),
  });
  const login = (await (
    await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    })
  ).json()) as { access_token: string };
  const auth = { Authorization: `Bearer ${login.access_token}` };
  const healthBody = await (await fetch(`${app.url}/health`)).text();
  const meBody = await (await fetch(`${app.url}/api/v1/auth/me`, { headers: auth })).text();

  // The bare baseline runs in its own process too, so both sides pay the same process and loopback costs.
  const barePort = await freePort();
  const bareSource = `
    const bodies = { '/health': ${JSON.stringify(healthBody)}, '/api/v1/auth/me': ${JSON.stringify(meBody)} };
    require('node:http').createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(bodies[req.url] ?? '{}');
    }).listen(process.env.PORT, '127.0.0.1');`;
  const bare = await startProcess(['-e', bareSource], { PORT: String(barePort) });

  console.log(`autocannon: ${connections} connections, ${seconds} s per target`);
  const rows = [];
  for (const [name, path, headers] of [
    ['GET /health', '/health', {}],
    ['GET /api/v1/auth/me', '/api/v1/auth/me', auth],
  ] as const) {
    const ours = await load(`${app.url}${path}`, headers);
    const base = await load(`${bare.url}${path}`);
    rows.push({
      endpoint: name,
      'terrawatch req/s': ours.rps,
      'terrawatch p99 ms': ours.p99,
      'bare node:http req/s': base.rps,
      'bare p99 ms': base.p99,
      'ratio (terrawatch / bare)': Number((ours.rps / base.rps).toFixed(3)),
    });
  }
  table(rows);
  await Promise.all([app.stop(), bare.stop()]);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
