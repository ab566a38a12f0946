import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadStore, StoreObject, ZarrSource } from './zarr-source.js';

class FlakySource implements ZarrSource {
  readonly description = 'flaky';
  inFlight = 0;
  maxInFlight = 0;
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly objects: Record<string, string>,
    failuresPerKey: Record<string, number> = {},
  ) {
    for (const [k, n] of Object.entries(failuresPerKey)) this.failures.set(k, n);
  }

  async version() {
    return { key: 'zarr.json', lastModified: new Date(0) };
  }

  async list(): Promise<StoreObject[]> {
    return Object.entries(this.objects).map(([key, v]) => ({ key, size: v.length }));
  }

  async read(key: string): Promise<Uint8Array> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight -= 1;
    const left = this.failures.get(key) ?? 0;
    if (left > 0) {
      this.failures.set(key, left - 1);
      throw new Error(`transient failure of ${key}`);
    }
    return Buffer.from(this.objects[key]);
  }
}

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'download-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const objects = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`a/c/${i}`, `chunk ${i}`]));

describe('downloadStore', () => {
  it('copies every object with bounded concurrency, retrying transient failures', async () => {
    const source = new FlakySource({ ...objects, 'zarr.json': '{}' }, { 'a/c/3': 2 });
    const progress: number[] = [];
    const result = await downloadStore(source, dir, {
      concurrency: 3,
      retries: 2,
      retryDelayMs: 1,
      onProgress: (_b, _t, files) => progress.push(files),
    });
    expect(result.files).toBe(21);
    expect(source.maxInFlight).toBeLessThanOrEqual(3);
    expect(await readFile(join(dir, 'a/c/3'), 'utf8')).toBe('chunk 3');
    expect(progress[progress.length - 1]).toBe(21);
  });

  it('fails when an object keeps failing', async () => {
    const source = new FlakySource(objects, { 'a/c/7': 5 });
    await expect(downloadStore(source, dir, { concurrency: 2, retries: 1, retryDelayMs: 1 })).rejects.toThrow(
      /a\/c\/7/,
    );
  });

  it('never writes outside the target directory', async () => {
    const source = new FlakySource({ '../escape': 'x' });
    await expect(downloadStore(source, dir, { concurrency: 1, retries: 0 })).rejects.toThrow(/Refusing/);
  });
});
