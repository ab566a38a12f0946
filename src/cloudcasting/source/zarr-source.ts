import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import pLimit from 'p-limit';

/** The version of the store: its metadata object and when it last changed. */
export interface StoreVersion {
  key: string;
  lastModified: Date;
}

export interface StoreObject {
  key: string;
  size: number;
}

/** Where the model publishes its Zarr store (S3 or a local directory). Keys are relative to the store root. */
export interface ZarrSource {
  /** For logs and the status route, without secrets. */
  readonly description: string;
  /** The store's root metadata (`zarr.json`, else `.zmetadata`, else `.zgroup`), or null when there is no store. */
  version(): Promise<StoreVersion | null>;
  list(): Promise<StoreObject[]>;
  read(key: string): Promise<Uint8Array>;
}

export const METADATA_KEYS = ['zarr.json', '.zmetadata', '.zgroup'];

export interface DownloadOptions {
  concurrency: number;
  retries: number;
  /** Base delay of the exponential back-off between attempts. */
  retryDelayMs?: number;
  onProgress?: (doneBytes: number, totalBytes: number, doneFiles: number, totalFiles: number) => void;
}

/**
 * Copies a whole store to a local directory with bounded concurrency, retrying each object. The conversion then
 * reads one consistent local copy, whatever the producer writes meanwhile.
 */
export async function downloadStore(
  source: ZarrSource,
  targetDir: string,
  options: DownloadOptions,
): Promise<{ files: number; bytes: number }> {
  const objects = await withRetries(() => source.list(), options);
  if (objects.length === 0) throw new Error(`${source.description} holds no objects`);
  const totalBytes = objects.reduce((n, o) => n + o.size, 0);
  const limit = pLimit(options.concurrency);
  let doneBytes = 0;
  let doneFiles = 0;
  // Settle every transfer before failing, so nothing writes into the directory after the caller cleans it up.
  const results = await Promise.allSettled(
    objects.map((object) =>
      limit(async () => {
        const path = localPath(targetDir, object.key);
        const bytes = await withRetries(() => source.read(object.key), options);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, bytes);
        doneBytes += bytes.length;
        doneFiles += 1;
        options.onProgress?.(doneBytes, totalBytes, doneFiles, objects.length);
      }),
    ),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return { files: objects.length, bytes: doneBytes };
}

/** The local path of an object; a key that would land outside the target directory is refused. */
function localPath(targetDir: string, key: string): string {
  const root = resolve(targetDir);
  const path = resolve(root, key);
  if (!path.startsWith(root + sep)) throw new Error(`Refusing object key ${key}: outside the store`);
  return path;
}

async function withRetries<T>(fn: () => Promise<T>, options: DownloadOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= options.retries) throw e;
      await new Promise((r) => setTimeout(r, (options.retryDelayMs ?? 200) * 2 ** attempt));
    }
  }
}
