import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

const KEY_BYTES = 32;

/** A 32-byte key written as 64 hex digits or as base64; undefined when it is neither. */
export function parseKey(text: string | undefined): Buffer | undefined {
  if (!text) return undefined;
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}

/** `id:key,id:key`, as in ENCRYPTION_PREVIOUS_KEYS. Throws on a malformed entry. */
export function parseKeyList(text: string | undefined): Array<[string, Buffer]> {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const id = entry.slice(0, colon);
      const key = parseKey(entry.slice(colon + 1));
      if (colon < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || !key) throw new Error('malformed key entry');
      return [id, key] as [string, Buffer];
    });
}

@ValidatorConstraint({ name: 'encryptionKey' })
export class EncryptionKeyConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseKey(value) !== undefined;
  }
  defaultMessage(): string {
    return 'must be 32 bytes written as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)';
  }
}

@ValidatorConstraint({ name: 'encryptionKeyList' })
export class EncryptionKeyListConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    try {
      return typeof value === 'string' && parseKeyList(value).length > 0;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'must be a comma-separated list of id:key, each key 32 bytes as hex or base64';
  }
}
