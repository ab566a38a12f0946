import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GraphClient } from '../m365/graph.client.js';
import { JsonClient, RestError, retryAfterMs, TokenSource } from './json-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let url: string;
let handler: Handler;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    hits.push(`${req.method} ${req.url}`);
    handler(req, res, body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => (hits.length = 0));

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('JsonClient', () => {
  it('waits out a 429 for its Retry-After, then answers', async () => {
    let calls = 0;
    handler = (_req, res) =>
      ++calls === 1 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, { ok: 1 });
    const started = Date.now();
    const client = new JsonClient(url, { timeoutMs: 5000, maxAttempts: 3 });
    await expect(client.get('/x', { a: 'b c' })).resolves.toEqual({ ok: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(hits).toEqual(['GET /x?a=b+c', 'GET /x?a=b+c']);
  });

  it('gives up after its attempts with the provider code and status', async () => {
    handler = (_req, res) =>
      json(res, 429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after': '0' });
    const client = new JsonClient(url, { timeoutMs: 5000, maxAttempts: 2 });
    const error = (await client.get('/y').catch((e: unknown) => e)) as RestError;
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ name: 'TooManyRequests', statusCode: 429 });
    expect(hits).toHaveLength(2);
  });

  it.each([
    [{ error: { code: 'AuthorizationFailed', message: 'no' } }, 'AuthorizationFailed'],
    [{ error: { code: 403, message: 'no', status: 'PERMISSION_DENIED' } }, 'PERMISSION_DENIED'],
    [{ error: 'invalid_client', error_description: 'AADSTS7000215' }, 'invalid_client'],
    ['not json', 'HTTP_403'],
  ])('reads the error code of %j', async (body, code) => {
    handler = (_req, res) => json(res, 403, body);
    const error = await new JsonClient(url, { timeoutMs: 5000, maxAttempts: 1 })
      .get('/z')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: code, statusCode: 403 });
  });

  it('sends a bearer token and reports an unreachable host as a network error', async () => {
    handler = (req, res) => json(res, 200, { auth: req.headers.authorization });
    const client = new JsonClient(url, { timeoutMs: 5000, maxAttempts: 1, token: async () => 't1' });
    await expect(client.get('/a')).resolves.toEqual({ auth: 'Bearer t1' });
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const down = new JsonClient(`http://127.0.0.1:${port}`, { timeoutMs: 2000, maxAttempts: 1 });
    await expect(down.get('/a')).rejects.toMatchObject({ statusCode: 0, name: 'ECONNREFUSED' });
  });
});

describe('Retry-After and tokens', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('fetches a token once while it is valid, also for concurrent callers', async () => {
    let fetched = 0;
    const source = new TokenSource(async () => ({ access_token: `t${++fetched}`, expires_in: 3600 }));
    expect(await Promise.all([source.get(), source.get()])).toEqual(['t1', 't1']);
    expect(await source.get()).toBe('t1');
    const shortLived = new TokenSource(async () => ({ access_token: `s${++fetched}`, expires_in: 30 }));
    await shortLived.get();
    expect(await shortLived.get()).toBe('s3');
  });
});

describe('GraphClient', () => {
  it('takes a client-credentials token and follows @odata.nextLink', async () => {
    handler = (req, res, body) => {
      if (req.url === '/tenant-1/oauth2/v2.0/token') {
        const form = new URLSearchParams(body);
        return json(res, 200, {
          access_token: `${form.get('grant_type')}:${form.get('scope')}`,
          expires_in: 3600,
        });
      }
      expect(req.headers.authorization).toBe(
        'Bearer client_credentials:https://graph.microsoft.com/.default',
      );
      if (req.url?.includes('skip=1')) return json(res, 200, { value: [{ id: 'b' }] });
      json(res, 200, { value: [{ id: 'a' }], '@odata.nextLink': `${url}/v1.0/users?$top=1&skip=1` });
    };
    const graph = new GraphClient(
      { tenant_id: 'tenant-1', client_id: 'c', client_secret: 's' },
      { graphUrl: url, authorityHost: url, timeoutMs: 5000, maxAttempts: 1 },
    );
    await expect(graph.all('/users', { $top: '1' })).resolves.toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(hits).toEqual([
      'POST /tenant-1/oauth2/v2.0/token',
      'GET /v1.0/users?%24top=1',
      'GET /v1.0/users?$top=1&skip=1',
    ]);
  });
});
