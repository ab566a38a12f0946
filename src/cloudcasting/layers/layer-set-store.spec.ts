import { mkdtemp, readdir, readlink, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LayerSetManifest, LayerSetStore } from './layer-set-store.js';

let root: string;
beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'layer-sets-'))));
afterEach(() => rm(root, { recursive: true, force: true }));

function manifest(setId: string): LayerSetManifest {
  return {
    set_id: setId,
    init_time: '2025-06-01T12:00:00.000Z',
    source_last_modified: '2025-06-01T12:05:00.000Z',
    platform_name: 'Meteosat-11',
    lon0: 9.5,
    channels: ['IR_108'],
    steps_minutes: [15],
    grid: { west: -19, south: 42, east: 15, north: 65, resolution: 0.075, width: 454, height: 307 },
    layer_count: 1,
    total_bytes: 3,
    published_at: new Date().toISOString(),
  };
}

async function publish(store: LayerSetStore, id: string) {
  const draft = await store.begin(id);
  await draft.writeLayer('IR_108', 0, Buffer.from('tif'));
  return store.publish(draft, manifest(id));
}

describe('LayerSetStore', () => {
  it('keeps drafts invisible until published, then swaps current', async () => {
    const store = new LayerSetStore(root);
    expect(await store.current()).toBeNull();
    const draft = await store.begin('a');
    await draft.writeLayer('IR_108', 0, Buffer.from('tif'));
    expect(await store.current()).toBeNull();
    expect(await store.list()).toEqual([]);
    await store.publish(draft, manifest('a'));
    expect((await store.current())?.manifest.set_id).toBe('a');
    await publish(store, 'b');
    expect((await store.current())?.manifest.set_id).toBe('b');
    expect(await readlink(join(root, 'current'))).toBe(join('sets', 'b'));
    // no temporary link left behind
    expect((await readdir(root)).sort()).toEqual(['current', 'sets']);
  });

  it('prunes all but the newest sets, never the current one, and stale drafts', async () => {
    const store = new LayerSetStore(root);
    for (const id of ['1', '2', '3']) await publish(store, id);
    await store.begin('crashed');
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(join(root, 'sets', '.building-crashed'), old, old);
    await store.begin('running');
    const abandoned = await store.staging('crashed-job');
    await utimes(abandoned, old, old);
    const active = await store.staging('running-job');
    expect(await store.prune(2)).toEqual(['1']);
    expect(await readdir(join(root, 'staging'))).toEqual([basename(active)]);
    expect(await readdir(join(root, 'sets'))).toEqual(['.building-running', '2', '3']);
    expect(await store.prune(0)).toEqual(['2']);
    expect((await store.current())?.manifest.set_id).toBe('3');
  });

  it('discards a draft', async () => {
    const store = new LayerSetStore(root);
    const draft = await store.begin('x');
    await draft.discard();
    expect(await readdir(join(root, 'sets'))).toEqual([]);
  });
});
