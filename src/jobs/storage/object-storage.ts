import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Where uploaded files live: S3 when configured, else a local directory. Keys use `/` separators. */
export abstract class ObjectStorage {
  /** `s3` or `local`, for logs and status. */
  abstract readonly kind: string;
  /** Stores the file at `path` (size `size` bytes) under `key`. */
  abstract put(key: string, path: string, size: number): Promise<void>;
  abstract read(key: string): Promise<Readable>;
  abstract exists(key: string): Promise<boolean>;
  /** Removes the object; absent objects are not an error. */
  abstract delete(key: string): Promise<void>;
}

/** `uploads/{user_id}/{timestamp}-{uuid8}-{filename}`, with the filename reduced to safe characters. */
export function uploadKey(userId: string, filename: string, now = new Date()): string {
  const timestamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const safe =
    filename
      .split(/[\\/]/)
      .pop()!
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(-120) || 'upload.csv';
  return `uploads/${userId}/${timestamp}-${randomUUID().slice(0, 8)}-${safe}`;
}
