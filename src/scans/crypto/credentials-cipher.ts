import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { scansConfig, type ScansConfig } from '../scans.config.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const FORMAT = 'v1';

export interface Sealed {
  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  ciphertext: string;
  keyId: string;
}

/**
 * AES-256-GCM for cloud credentials. Each value carries the id of the key that sealed it, so a key can be rotated
 * (`accounts:rotate-key`) while older rows stay readable. The account id is bound as additional authenticated data:
 * a ciphertext copied onto another row does not decrypt.
 */
@Injectable()
export class CredentialsCipher {
  constructor(@Inject(scansConfig.KEY) private readonly config: ScansConfig) {}

  get currentKeyId(): string {
    return this.config.encryption.currentKeyId;
  }

  seal(plaintext: string, boundTo: string): Sealed {
    const keyId = this.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key(keyId), iv);
    cipher.setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return { ciphertext: [FORMAT, ...parts].join('.'), keyId };
  }

  open(sealed: Sealed, boundTo: string): string {
    const [format, iv, tag, body] = sealed.ciphertext.split('.');
    if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error('Unknown ciphertext format');
    const decipher = createDecipheriv(ALGORITHM, this.key(sealed.keyId), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  private key(id: string): Buffer {
    const key = this.config.encryption.keys.get(id);
    if (!key) throw new Error(`Encryption key '${id}' is not configured (ENCRYPTION_PREVIOUS_KEYS)`);
    return key;
  }
}
