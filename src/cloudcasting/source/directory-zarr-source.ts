import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { METADATA_KEYS, StoreObject, StoreVersion, ZarrSource } from './zarr-source.js';

/** A Zarr store in a local directory (`file:///...`): development and the demo run. */
export class DirectoryZarrSource implements ZarrSource {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `file://${dir}`;
  }

  async version(): Promise<StoreVersion | null> {
    for (const key of METADATA_KEYS) {
      const info = await stat(join(this.dir, key)).catch(() => undefined);
      if (info?.isFile()) return { key, lastModified: info.mtime };
    }
    return null;
  }

  async list(): Promise<StoreObject[]> {
    const entries = await readdir(this.dir, { recursive: true, withFileTypes: true });
    const objects: StoreObject[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      objects.push({ key: relative(this.dir, path).split(sep).join('/'), size: (await stat(path)).size });
    }
    return objects;
  }

  read(key: string): Promise<Uint8Array> {
    return readFile(join(this.dir, key));
  }
}
