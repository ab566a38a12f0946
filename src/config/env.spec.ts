import { AuthEnv } from '../auth/auth.config.js';
import { AppEnv } from './app.config.js';
import { csv, readEnv, validateEnv } from './env.js';

describe('validateEnv', () => {
  it('accepts an empty environment: every default works locally', () => {
    expect(() => validateEnv({}, [AppEnv, AuthEnv])).not.toThrow();
  });

  it('names every bad variable in one message and hides secret values', () => {
    const env = {
      PORT: '99999',
      LOG_FORMAT: 'xml',
      JWT_SECRET: 'tiny',
      REDIS_URL: 'http://x',
      AUTH_JWKS_URI: 'https://idp/jwks.json',
    };
    let message = '';
    try {
      validateEnv(env, [AppEnv, AuthEnv]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/5 variable/);
    for (const name of ['PORT', 'LOG_FORMAT', 'JWT_SECRET', 'REDIS_URL', 'AUTH_ISSUER'])
      expect(message).toContain(name);
    expect(message).not.toContain('tiny');
  });
});

describe('readEnv', () => {
  it('converts types and fills defaults, treating empty strings as unset', () => {
    const env = readEnv(AppEnv, { PORT: '8080', TRUST_PROXY: 'true', LOG_LEVEL: '' });
    expect(env.PORT).toBe(8080);
    expect(env.TRUST_PROXY).toBe(true);
    expect(env.LOG_LEVEL).toBe('info');
  });

  it('reads "false" as false for boolean variables', () => {
    expect(readEnv(AppEnv, { TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(readEnv(AppEnv, { TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(readEnv(AppEnv, { TRUST_PROXY: 'yes' }).TRUST_PROXY).toBe(true);
    expect(readEnv(AppEnv, {}).TRUST_PROXY).toBe(false);
  });
});

describe('csv', () => {
  it('splits and trims, dropping blanks', () => {
    expect(csv(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(csv(undefined)).toEqual([]);
  });
});
