import type { ScansConfig } from '../scans.config.js';
import { CredentialsCipher } from './credentials-cipher.js';
import { parseKey, parseKeyList } from './keys.js';

const config = (current: string, keys: Record<string, Buffer>) =>
  ({ encryption: { currentKeyId: current, keys: new Map(Object.entries(keys)) } }) as ScansConfig;
const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);

describe('CredentialsCipher (AES-256-GCM)', () => {
  it('round-trips, never shows the plaintext, and differs every time', () => {
    const cipher = new CredentialsCipher(config('k1', { k1 }));
    const a = cipher.seal('{"secret":"hunter2"}', 'account-1');
    const b = cipher.seal('{"secret":"hunter2"}', 'account-1');
    expect(a.keyId).toBe('k1');
    expect(a.ciphertext).not.toContain('hunter2');
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(cipher.open(a, 'account-1')).toBe('{"secret":"hunter2"}');
  });

  it('refuses a tampered ciphertext or one moved to another account', () => {
    const cipher = new CredentialsCipher(config('k1', { k1 }));
    const sealed = cipher.seal('secret', 'account-1');
    expect(() => cipher.open(sealed, 'account-2')).toThrow();
    const parts = sealed.ciphertext.split('.');
    parts[3] = Buffer.from('xxxxxx').toString('base64url');
    expect(() => cipher.open({ ...sealed, ciphertext: parts.join('.') }, 'account-1')).toThrow();
  });

  it('opens values sealed under a previous key, seals under the current one', () => {
    const old = new CredentialsCipher(config('k1', { k1 })).seal('secret', 'a');
    const rotated = new CredentialsCipher(config('k2', { k1, k2 }));
    expect(rotated.open(old, 'a')).toBe('secret');
    expect(rotated.seal('secret', 'a').keyId).toBe('k2');
    expect(() => new CredentialsCipher(config('k2', { k2 })).open(old, 'a')).toThrow(
      /'k1' is not configured/,
    );
  });
});

describe('ENCRYPTION_KEY parsing', () => {
  it('takes 32 bytes as hex or base64 only', () => {
    expect(parseKey('01'.repeat(32))).toEqual(Buffer.alloc(32, 1));
    expect(parseKey(Buffer.alloc(32, 9).toString('base64'))).toEqual(Buffer.alloc(32, 9));
    expect(parseKey('short')).toBeUndefined();
    expect(parseKey(Buffer.alloc(16).toString('base64'))).toBeUndefined();
    expect(parseKeyList(`old:${'02'.repeat(32)}`)).toEqual([['old', Buffer.alloc(32, 2)]]);
    expect(() => parseKeyList('old:nope')).toThrow();
  });
});
