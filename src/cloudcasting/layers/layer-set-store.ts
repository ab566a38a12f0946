import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LayerStatistics } from './layer-statistics.js';

/** What a published layer set holds; written last into the set, so a set with a manifest is complete. */
export interface LayerSetManifest {
  set_id: string;
  init_time: string | null;
  source_last_modified: string;
  platform_name: string | null;
  lon0: number;
  channels: string[];
  steps_minutes: number[];
  grid: {
    west: number;
    south: number;
    east: number;
    north: number;
    resolution: number;
    width: number;
    height: number;
  };
  layer_count: number;
  total_bytes: number;
  published_at: string;
  /** Per channel, one entry per step index; absent in sets published before statistics were kept. */
  statistics?: Record<string, LayerStatistics[]>;
}

export interface PublishedSet {
  dir: string;
  manifest: LayerSetManifest;
}

const MANIFEST = 'manifest.json';
const BUILDING_PREFIX = '.building-';
/** What `newSetId` makes; anything else (a path, a draft) is never looked up. */
const SET_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

export function layerFileName(channel: string, stepIndex: number): string {
  return `${channel}_step_${stepIndex}.tif`;
}

/**
 * Layer sets on local disk: `sets/<id>/` (immutable once published) and a `current` symlink to one of them.
 * A set is built under `sets/.building-<id>`, renamed into place, then `current` is swapped by renaming a new
 * symlink over it. Both renames are atomic, so a reader resolves `current` once and sees one whole forecast; a
 * file it has open stays readable even if the set is later pruned.
 */
export class LayerSetStore {
  readonly root: string;
  private readonly setsDir: string;
  private readonly currentLink: string;
  private readonly stagingRoot: string;
  private cached?: { target: string; set: PublishedSet };

  constructor(root: string) {
    this.root = resolve(root);
    this.setsDir = join(this.root, 'sets');
    this.currentLink = join(this.root, 'current');
    this.stagingRoot = join(this.root, 'staging');
  }

  /** An empty directory for one run's download; the run removes it when done. */
  async staging(owner: string): Promise<string> {
    const dir = join(this.stagingRoot, owner.replace(/[^A-Za-z0-9_-]/g, '_'));
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** A fresh, sortable set id (publication order). */
  newSetId(): string {
    return `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  }

  async begin(setId: string): Promise<LayerSetDraft> {
    const dir = join(this.setsDir, `${BUILDING_PREFIX}${setId}`);
    await mkdir(dir, { recursive: true });
    return new LayerSetDraft(dir, setId);
  }

  /** Moves a finished draft into place and points `current` at it. */
  async publish(draft: LayerSetDraft, manifest: LayerSetManifest): Promise<PublishedSet> {
    await writeFile(join(draft.dir, MANIFEST), JSON.stringify(manifest, null, 2));
    const finalDir = join(this.setsDir, draft.setId);
    await rename(draft.dir, finalDir);
    const temporaryLink = join(this.root, `.current-${randomBytes(4).toString('hex')}`);
    await symlink(join('sets', draft.setId), temporaryLink);
    await rename(temporaryLink, this.currentLink);
    return { dir: finalDir, manifest };
  }

  async current(): Promise<PublishedSet | null> {
    let target: string;
    try {
      target = await readlink(this.currentLink);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    if (this.cached?.target === target) return this.cached.set;
    const dir = resolve(this.root, target);
    try {
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as LayerSetManifest;
      const set = { dir, manifest };
      this.cached = { target, set };
      return set;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** A published set by id (the current one or an older one not pruned yet), or null. */
  async get(setId: string): Promise<PublishedSet | null> {
    const current = await this.current();
    if (current?.manifest.set_id === setId) return current;
    if (!SET_ID.test(setId)) return null;
    const dir = join(this.setsDir, setId);
    try {
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as LayerSetManifest;
      return { dir, manifest };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** Removes published sets beyond the newest `keep` (never the current one) and abandoned drafts. */
  async prune(keep: number): Promise<string[]> {
    const entries = await readdir(this.setsDir).catch(() => [] as string[]);
    const current = await this.current();
    const currentId = current?.manifest.set_id;
    const published = entries.filter((e) => !e.startsWith('.')).sort();
    const removed: string[] = [];
    for (const id of published.slice(0, Math.max(0, published.length - keep))) {
      if (id === currentId) continue;
      await rm(join(this.setsDir, id), { recursive: true, force: true });
      removed.push(id);
    }
    // Drafts and downloads older than an hour belong to runs that crashed; younger ones may be a run in progress.
    const leftovers = [
      ...entries.filter((e) => e.startsWith(BUILDING_PREFIX)).map((e) => join(this.setsDir, e)),
      ...(await readdir(this.stagingRoot).catch(() => [] as string[])).map((e) => join(this.stagingRoot, e)),
    ];
    for (const path of leftovers) {
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 3_600_000) await rm(path, { recursive: true, force: true });
    }
    return removed;
  }

  /**
   * Removes every draft and download directory. Called by a run that holds the one-run lock: whatever is there
   * belongs to a run that died (killed while converting, say), since no other run can be in progress.
   */
  async discardAbandoned(): Promise<string[]> {
    const leftovers = [
      ...(await readdir(this.setsDir).catch(() => [] as string[]))
        .filter((e) => e.startsWith(BUILDING_PREFIX))
        .map((e) => join(this.setsDir, e)),
      ...(await readdir(this.stagingRoot).catch(() => [] as string[])).map((e) => join(this.stagingRoot, e)),
    ];
    for (const path of leftovers) await rm(path, { recursive: true, force: true });
    return leftovers;
  }

  /** Published set ids, oldest first. */
  async list(): Promise<string[]> {
    const entries = await readdir(this.setsDir).catch(() => [] as string[]);
    return entries.filter((e) => !e.startsWith('.')).sort();
  }
}

/** A set being written: invisible to readers until published. */
export class LayerSetDraft {
  totalBytes = 0;
  layerCount = 0;

  constructor(
    readonly dir: string,
    readonly setId: string,
  ) {}

  async writeLayer(channel: string, stepIndex: number, tiff: Buffer): Promise<void> {
    await writeFile(join(this.dir, layerFileName(channel, stepIndex)), tiff);
    this.totalBytes += tiff.length;
    this.layerCount += 1;
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
