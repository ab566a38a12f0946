import { createSign, generateKeyPairSync, KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';

const b64url = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** An RS256 JWT signed with a key made here, as Auth0 or Cognito would issue it. */
function signRs256(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url({ iat: now, exp: now + 300, ...claims })}`;
  const signature = createSign('RSA-SHA256').update(head).sign(privateKey);
  return `${head}.${b64url(signature)}`;
}

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'terrawatch-api';
let jwks: Server;
let jwksHits = 0;
let app: AppProcess;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  jwks = createServer((req, res) => {
    jwksHits += 1;
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'key-1', alg: 'RS256', use: 'sig' }],
      }),
    );
  });
  jwks.listen(0, '127.0.0.1');
  await once(jwks, 'listening');
  const port = (jwks.address() as { port: number }).port;
  app = await startApp({
    AUTH_JWKS_URI: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
  });
});
afterAll(async () => {
  await app?.stop();
  jwks?.close();
  await closeDb();
});

describe('external identity provider tokens (JWKS)', () => {
  it('accepts a Cognito-style token, creates the local user on first sight and maps its groups', async () => {
    const token = signRs256(privateKey, 'key-1', {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'cognito-sub-123',
      email: 'grace@example.org',
      'cognito:username': 'grace',
      'cognito:groups': ['uploader', 'Editor'],
    });
    const me = await request(app.url)
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(me.body).toMatchObject({
      username: 'grace',
      email: 'grace@example.org',
      groups: ['editor', 'uploader'],
      external: true,
      role: 'user',
    });

    // Second request: same user, no second row, keys served from the cache.
    const hitsBefore = jwksHits;
    await request(app.url).get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(jwksHits).toBe(hitsBefore);
    const rows = await sql(`SELECT id FROM users WHERE external_subject = $1`, [`${ISSUER}|cognito-sub-123`]);
    expect(rows).toHaveLength(1);
  });

  it('follows group changes made at the identity provider', async () => {
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'auth0|abc', nickname: 'alan' };
    await request(app.url)
      .get('/api/v1/auth/me')
      .set(
        'Authorization',
        `Bearer ${signRs256(privateKey, 'key-1', { ...claims, 'cognito:groups': ['editor'] })}`,
      )
      .expect(200);
    const me = await request(app.url)
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${signRs256(privateKey, 'key-1', { ...claims, 'cognito:groups': [] })}`)
      .expect(200);
    expect(me.body).toMatchObject({ username: 'alan', groups: [], email: null });
  });

  it.each([
    ['a wrong issuer', { iss: 'https://evil.example/', aud: AUDIENCE, sub: 'x' }, privateKey],
    ['a wrong audience', { iss: ISSUER, aud: 'someone-else', sub: 'x' }, privateKey],
    ['a key the JWKS does not hold', { iss: ISSUER, aud: AUDIENCE, sub: 'x' }, other.privateKey],
  ])('refuses a token with %s', async (_name, claims, key) => {
    const res = await request(app.url)
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${signRs256(key, 'key-1', claims)}`)
      .expect(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('still accepts its own HS256 tokens beside the external ones', async () => {
    const reg = await request(app.url)
      .post('/api/v1/auth/register')
      .send({ email: 'own@example.org', username: 'own', password: 'password-123' })
      .expect(201);
    const login = await request(app.url)
      .post('/api/v1/auth/login')
      .send({ email: 'own@example.org', password: 'password-123' })
      .expect(200);
    await request(app.url)
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .expect(200)
      .expect((r) => expect(r.body.id).toBe(reg.body.id));
  });
});
