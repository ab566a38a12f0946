import { credentialsHint, parseCredentials } from '../credentials.js';
import { isScheduleDue } from '../schedule.js';
import type { ScansConfig } from '../scans.config.js';
import { ScansError } from '../scans.errors.js';
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

describe('credentials', () => {
  it('names every missing or malformed field', () => {
    try {
      parseCredentials('azure', { tenant_id: 'nope', client_id: '6f1c0d0e-3b4a-4c5d-9e8f-0a1b2c3d4e5f' });
      throw new Error('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ScansError);
      expect((error as ScansError).details).toEqual([
        { field: 'credentials.tenant_id', problems: ['must be the directory (tenant) id, a UUID'] },
        { field: 'credentials.client_secret', problems: ['missing: the client secret'] },
        { field: 'credentials.subscription_id', problems: ['missing: the subscription id, a UUID'] },
      ]);
    }
  });

  it('masks what it shows', () => {
    const gcp = parseCredentials('gcp', {
      project_id: 'acme-prod',
      service_account_json: JSON.stringify({
        type: 'service_account',
        client_email: 'scanner@acme-prod.iam.gserviceaccount.com',
        private_key: '-----BEGIN PRIVATE KEY-----',
      }),
    });
    expect(credentialsHint('gcp', gcp)).toBe('service account sca…@acme-prod.iam.gserviceaccount.com');
    const aws = parseCredentials('aws', {
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    expect(credentialsHint('aws', aws)).toBe('access key AKIA…MPLE, secret ****EY');
  });
});

describe('schedules', () => {
  const base = {
    scheduleEnabled: true,
    isActive: true,
    scheduleHour: 3,
    scheduleDayOfWeek: null,
    scheduleDayOfMonth: null,
  };
  const monday3 = new Date('2026-06-01T03:00:00Z');
  it('is due at its hour, on its day', () => {
    expect(isScheduleDue({ ...base, scheduleFrequency: 'daily' }, monday3)).toBe(true);
    expect(isScheduleDue({ ...base, scheduleFrequency: 'daily' }, new Date('2026-06-01T04:00:00Z'))).toBe(
      false,
    );
    expect(isScheduleDue({ ...base, scheduleFrequency: 'weekly', scheduleDayOfWeek: 1 }, monday3)).toBe(true);
    expect(isScheduleDue({ ...base, scheduleFrequency: 'weekly', scheduleDayOfWeek: 2 }, monday3)).toBe(
      false,
    );
    expect(isScheduleDue({ ...base, scheduleFrequency: 'monthly', scheduleDayOfMonth: 1 }, monday3)).toBe(
      true,
    );
    expect(isScheduleDue({ ...base, scheduleFrequency: 'daily', isActive: false }, monday3)).toBe(false);
  });
});
