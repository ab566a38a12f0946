import { createReadStream } from 'node:fs';
import { access, copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { ObjectStorage } from './object-storage.js';

/** Objects as files under one directory (the default when no S3 bucket is configured). */
export class LocalObjectStorage extends ObjectStorage {
  readonly kind = 'local';
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  async put(key: string, path: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(path, target);
    } catch (e) {
      // The spool directory may be on another file system.
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      await copyFile(path, target);
    }
  }

  async read(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    await access(path);
    return createReadStream(path, { highWaterMark: 256 * 1024 });
  }

  async exists(key: string): Promise<boolean> {
    return access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`Object key escapes the storage root: ${key}`);
    return path;
  }
}
