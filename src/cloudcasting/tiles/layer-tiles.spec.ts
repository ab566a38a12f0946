import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { PNG } from 'pngjs';
import { encodeGeoTiff } from '../geo/geotiff-writer.js';
import { LayerSetStore, PublishedSet } from '../layers/layer-set-store.js';
import { LayerTiles } from './layer-tiles.js';
import { renderTile } from './tile-renderer.js';

/** 600 x 400 cells of 0.05 degrees from 20W 65N: 3 x 2 blocks at full resolution, overviews 300 x 200, 150 x 100. */
const grid = { west: -20, north: 65, resolution: 0.05, width: 600, height: 400 };
let root: string;
let set: PublishedSet;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'layer-tiles-'));
  const data = Float32Array.from(
    { length: 600 * 400 },
    (_, i) => Math.sin((i % 600) / 37) + Math.cos(i / 600 / 23),
  );
  data[601] = NaN;
  const store = new LayerSetStore(root);
  const draft = await store.begin('s1');
  await draft.writeLayer('IR_108', 0, await encodeGeoTiff(data, grid, { level: 1 }));
  set = await store.publish(draft, {
    set_id: 's1',
    init_time: null,
    source_last_modified: new Date().toISOString(),
    platform_name: null,
    lon0: 9.5,
    channels: ['IR_108'],
    steps_minutes: [15],
    grid: { ...grid, east: 10, south: 45 },
    layer_count: 1,
    total_bytes: 0,
    published_at: new Date().toISOString(),
  });
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The same tile rendered from the whole decoded image of `level`. */
async function fromWholeImage(level: number, z: number, x: number, y: number): Promise<Uint8Array> {
  const tiff = await fromFile(join(set.dir, 'IR_108_step_0.tif'));
  const image = await tiff.getImage(level);
  const [data] = (await image.readRasters()) as unknown as Float32Array[];
  await tiff.close();
  const raster = {
    data,
    width: image.getWidth(),
    height: image.getHeight(),
    west: -20,
    north: 65,
    resolution: 0.05 * 2 ** level,
  };
  return renderTile(raster, z, x, y, { colormap: 'viridis', min: -2, max: 2 });
}

describe('LayerTiles', () => {
  it.each([
    // zoom, x, y, overview level it should use
    [9, 227, 151, 0], // inside one block
    [7, 61, 42, 0], // across both block edges of the full resolution (7.2W, 52.2N)
    [6, 29, 19, 0],
    [3, 3, 2, 1], // tile pixels of 0.18 degrees: the half-resolution overview
    [2, 1, 1, 2], // the coarsest overview
  ])('renders tile %i/%i/%i from the blocks under it as from the whole image', async (z, x, y, level) => {
    const tiles = new LayerTiles();
    const png = PNG.sync.read(
      await tiles.tile(set, 'IR_108', 0, { z, x, y }, { colormap: 'viridis', min: -2, max: 2 }),
    );
    const expected = await fromWholeImage(level, z, x, y);
    expect(expected.some((v, i) => i % 4 === 3 && v > 0)).toBe(true);
    expect(Buffer.from(png.data).equals(Buffer.from(expected))).toBe(true);
    // Again from the cache: the same bytes.
    const again = PNG.sync.read(
      await tiles.tile(set, 'IR_108', 0, { z, x, y }, { colormap: 'viridis', min: -2, max: 2 }),
    );
    expect(Buffer.from(again.data).equals(Buffer.from(expected))).toBe(true);
  });

  it('gives a transparent tile away from the layer', async () => {
    const png = PNG.sync.read(
      await new LayerTiles().tile(
        set,
        'IR_108',
        0,
        { z: 6, x: 0, y: 0 },
        { colormap: 'greys', min: 0, max: 1 },
      ),
    );
    expect(png.data.every((v) => v === 0)).toBe(true);
  });
});
