import { join } from 'node:path';
import { fromFile, type GeoTIFF } from 'geotiff';
import { DEFAULT_TILE_SIZE, imageSizes } from '../geo/geotiff-writer.js';
import { useNativeDeflate } from '../geo/native-deflate.js';
import { layerFileName, PublishedSet } from '../layers/layer-set-store.js';
import { encodePng, GeographicRaster, renderTile, TileStyle } from './tile-renderer.js';
import { TILE_SIZE, tileBounds } from './web-mercator.js';

/** A decoded block (one internal GeoTIFF tile) of one image of a layer: up to 256 x 256 floats. */
interface Block {
  data: Float32Array;
  width: number;
  height: number;
}

/**
 * Renders PNG map tiles from the COG layers of published sets. A map tile needs the blocks (internal GeoTIFF tiles)
 * of one image (the overview whose cells best match the zoom) under its bounds: only those are read and inflated,
 * and kept in an LRU, so a cold tile decodes one block or a few instead of a whole layer, and a warm tile costs one
 * resampling pass and one PNG encoding.
 */
export class LayerTiles {
  private readonly blocks = new Map<string, Promise<Block>>();
  private readonly emptyTile = encodePng(new Uint8Array(TILE_SIZE * TILE_SIZE * 4));

  /** `cacheBlocks` decoded blocks of 256 KB each. */
  constructor(private readonly cacheBlocks = 256) {
    useNativeDeflate();
  }

  async tile(
    set: PublishedSet,
    channel: string,
    step: number,
    tile: { z: number; x: number; y: number },
    style: TileStyle,
  ): Promise<Buffer> {
    const raster = await this.window(set, channel, step, tile);
    if (!raster) return this.emptyTile;
    return encodePng(renderTile(raster, tile.z, tile.x, tile.y, style));
  }

  /**
   * The part of the layer under a map tile, at the overview level that matches its zoom (the coarsest whose cells
   * are no bigger than a tile pixel), assembled from cached or freshly read blocks; null when the tile misses it.
   */
  async window(
    set: PublishedSet,
    channel: string,
    step: number,
    tile: { z: number; x: number; y: number },
  ): Promise<GeographicRaster | null> {
    const { grid } = set.manifest;
    const sizes = imageSizes(grid.width, grid.height);
    const pixelDegrees = 360 / (TILE_SIZE * 2 ** tile.z);
    const level = Math.min(
      sizes.length - 1,
      Math.max(0, Math.floor(Math.log2(pixelDegrees / grid.resolution))),
    );
    const { width, height } = sizes[level];
    const resolution = grid.resolution * 2 ** level;
    const b = tileBounds(tile.z, tile.x, tile.y);
    const col0 = Math.max(0, Math.floor((b.west - grid.west) / resolution));
    const col1 = Math.min(width - 1, Math.floor((b.east - grid.west) / resolution));
    const row0 = Math.max(0, Math.floor((grid.north - b.north) / resolution));
    const row1 = Math.min(height - 1, Math.floor((grid.north - b.south) / resolution));
    if (col0 > col1 || row0 > row1) return null;

    const size = DEFAULT_TILE_SIZE;
    const [bx0, bx1, by0, by1] = [col0, col1, row0, row1].map((v) => Math.floor(v / size));
    const wanted: { bx: number; by: number; key: string }[] = [];
    for (let by = by0; by <= by1; by++)
      for (let bx = bx0; bx <= bx1; bx++)
        wanted.push({ bx, by, key: `${set.manifest.set_id}/${channel}/${step}/${level}/${bx}/${by}` });
    const blocks = await this.load(join(set.dir, layerFileName(channel, step)), level, wanted, width, height);

    const west = grid.west + bx0 * size * resolution;
    const north = grid.north - by0 * size * resolution;
    if (blocks.length === 1) return { ...blocks[0], west, north, resolution };
    const windowWidth = Math.min(width, (bx1 + 1) * size) - bx0 * size;
    const windowHeight = Math.min(height, (by1 + 1) * size) - by0 * size;
    const data = new Float32Array(windowWidth * windowHeight);
    wanted.forEach(({ bx, by }, i) => {
      const block = blocks[i];
      const x0 = (bx - bx0) * size;
      const y0 = (by - by0) * size;
      for (let row = 0; row < block.height; row++)
        data.set(
          block.data.subarray(row * block.width, (row + 1) * block.width),
          (y0 + row) * windowWidth + x0,
        );
    });
    return { data, width: windowWidth, height: windowHeight, west, north, resolution };
  }

  /** The full-resolution layer, uncached (for sets published before statistics were kept). */
  async fullLayer(set: PublishedSet, channel: string, step: number): Promise<Float32Array> {
    const tiff = await fromFile(join(set.dir, layerFileName(channel, step)));
    try {
      const [data] = (await (await tiff.getImage(0)).readRasters()) as unknown as Float32Array[];
      return data;
    } finally {
      await tiff.close();
    }
  }

  /** The blocks in `wanted` order: cached ones as they are, the others read from one opening of the file. */
  private async load(
    path: string,
    level: number,
    wanted: { bx: number; by: number; key: string }[],
    width: number,
    height: number,
  ): Promise<Block[]> {
    const missing = wanted.filter((w) => !this.blocks.has(w.key));
    if (missing.length > 0) {
      const opened = fromFile(path);
      const image = opened.then((tiff) => tiff.getImage(level));
      const reads = missing.map(async ({ bx, by, key }) => {
        const x0 = bx * DEFAULT_TILE_SIZE;
        const y0 = by * DEFAULT_TILE_SIZE;
        const x1 = Math.min(width, x0 + DEFAULT_TILE_SIZE);
        const y1 = Math.min(height, y0 + DEFAULT_TILE_SIZE);
        const [data] = (await (
          await image
        ).readRasters({ window: [x0, y0, x1, y1] })) as unknown as Float32Array[];
        return { key, block: { data, width: x1 - x0, height: y1 - y0 } };
      });
      for (const [i, read] of reads.entries()) {
        const block = read.then((r) => r.block);
        block.catch(() => this.blocks.delete(missing[i].key));
        this.remember(missing[i].key, block);
      }
      void Promise.allSettled(reads)
        .then(() => opened)
        .then(async (tiff: GeoTIFF) => {
          await tiff.close();
        })
        .catch(() => undefined);
    }
    return Promise.all(wanted.map((w) => this.touch(w.key)));
  }

  private remember(key: string, block: Promise<Block>): void {
    this.blocks.set(key, block);
    if (this.blocks.size > this.cacheBlocks) this.blocks.delete(this.blocks.keys().next().value as string);
  }

  /** A cached block, moved to the young end of the LRU. */
  private touch(key: string): Promise<Block> {
    const block = this.blocks.get(key) as Promise<Block>;
    this.blocks.delete(key);
    this.blocks.set(key, block);
    return block;
  }
}
