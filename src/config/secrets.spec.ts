import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AuthEnv } from '../auth/auth.config.js';
import { ScansEnv } from '../scans/scans.config.js';
import { AppEnv } from './app.config.js';
import { validateEnv } from './env.js';
import { PUBLISHED_SECRETS, secretsOf } from './secrets.js';

const schemas = [AppEnv, AuthEnv, ScansEnv];
const EXAMPLE = Object.fromEntries(
  readFileSync('.env.example', 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
const own = () => ({
  JWT_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
});

function problems(env: Record<string, string>): string {
  try {
    validateEnv(env, schemas);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('production secrets', () => {
  it('knows every secret that .env.example and the test environment publish', () => {
    const testEnv = readFileSync('test/setup/env.cjs', 'utf8');
    const names = schemas.flatMap(secretsOf);
    expect(names).toEqual(expect.arrayContaining(['JWT_SECRET', 'ENCRYPTION_KEY']));
    for (const name of names) {
      // An empty example (an optional secret, e.g. a price API key) publishes nothing.
      if (EXAMPLE[name]) expect(PUBLISHED_SECRETS).toContain(EXAMPLE[name]);
      const inTests = new RegExp(`${name}: '([^']+)'`).exec(testEnv)?.[1];
      if (inTests) expect(PUBLISHED_SECRETS).toContain(inTests);
    }
  });

  it('refuses the example values in production, naming each variable and hiding the values', () => {
    const message = problems({ ...EXAMPLE, NODE_ENV: 'production' });
    expect(message).toMatch(/2 variable/);
    expect(message).toMatch(/JWT_SECRET=\(hidden\): is the published example value/);
    expect(message).toMatch(/ENCRYPTION_KEY=\(hidden\): is the published example value/);
    expect(message).not.toContain(EXAMPLE.JWT_SECRET);
    expect(message).not.toContain(EXAMPLE.ENCRYPTION_KEY);
  });

  it('refuses the in-code default JWT_SECRET in production when none is set', () => {
    expect(problems({ NODE_ENV: 'production', ENCRYPTION_KEY: own().ENCRYPTION_KEY })).toMatch(
      /1 variable.*\n.*JWT_SECRET=\(hidden\): is the published example value/,
    );
  });

  it('refuses secrets that are long enough but trivially weak', () => {
    const message = problems({
      NODE_ENV: 'production',
      JWT_SECRET: 'abcd'.repeat(10),
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(message).toMatch(/JWT_SECRET=\(hidden\): is too weak for production/);
    expect(message).toMatch(/ENCRYPTION_KEY=\(hidden\): is too weak for production/);
  });

  it('reports a secret once when it already breaks its own rule', () => {
    const message = problems({ NODE_ENV: 'production', ...own(), JWT_SECRET: 'short' });
    expect(message).toMatch(/1 variable/);
    expect(message).toMatch(/JWT_SECRET must be at least 32 characters/);
  });

  it('accepts secrets of your own in production, and the examples elsewhere', () => {
    expect(problems({ NODE_ENV: 'production', ...own() })).toBe('');
    expect(problems({ ...EXAMPLE, NODE_ENV: 'development' })).toBe('');
    expect(problems({ ...EXAMPLE, NODE_ENV: 'test' })).toBe('');
  });
});
