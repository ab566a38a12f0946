import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { useNativeDeflate } from '../geo/native-deflate.js';
import { layerFileName, PublishedSet } from '../layers/layer-set-store.js';
import { encodePng, GeographicRaster, renderTile, TileStyle, tileIntersects } from './tile-renderer.js';
import { TILE_SIZE } from './web-mercator.js';

/**
 * Renders PNG tiles from the GeoTIFF layers of published sets. Each layer is decoded once per overview level (the
 * one whose cells best match the zoom) and kept in a small LRU of decoded rasters, so a warm tile costs one
 * resampling pass and one PNG encoding.
 */
export class LayerTiles {
  private readonly rasters = new Map<string, Promise<GeographicRaster>>();
  private readonly emptyTile = encodePng(new Uint8Array(TILE_SIZE * TILE_SIZE * 4));

  /** `cacheEntries` decoded rasters; a full-size layer is ~0.6 MB. */
  constructor(private readonly cacheEntries = 128) {
    useNativeDeflate();
  }

  async tile(
    set: PublishedSet,
    channel: string,
    step: number,
    tile: { z: number; x: number; y: number },
    style: TileStyle,
  ): Promise<Buffer> {
    const { z, x, y } = tile;
    const raster = await this.raster(set, channel, step, z);
    if (!tileIntersects(raster, z, x, y)) return this.emptyTile;
    return encodePng(renderTile(raster, z, x, y, style));
  }

  /** The decoded layer at the overview level that matches zoom `z` (full resolution for `Infinity`). */
  raster(set: PublishedSet, channel: string, step: number, z: number): Promise<GeographicRaster> {
    const { resolution } = set.manifest.grid;
    const pixelDegrees = 360 / (TILE_SIZE * 2 ** z);
    // The coarsest overview whose cells are still no bigger than a tile pixel: no visible blockiness.
    const wanted = Math.max(0, Math.floor(Math.log2(pixelDegrees / resolution)));
    const key = `${set.manifest.set_id}/${channel}/${step}/${wanted}`;
    let raster = this.rasters.get(key);
    if (raster) {
      this.rasters.delete(key);
      this.rasters.set(key, raster);
      return raster;
    }
    raster = decode(join(set.dir, layerFileName(channel, step)), wanted, set);
    raster.catch(() => this.rasters.delete(key));
    this.rasters.set(key, raster);
    if (this.rasters.size > this.cacheEntries)
      this.rasters.delete(this.rasters.keys().next().value as string);
    return raster;
  }
}

async function decode(path: string, wantedLevel: number, set: PublishedSet): Promise<GeographicRaster> {
  const tiff = await fromFile(path);
  try {
    const level = Math.min(wantedLevel, (await tiff.getImageCount()) - 1);
    const image = await tiff.getImage(level);
    const [data] = (await image.readRasters()) as unknown as Float32Array[];
    const { grid } = set.manifest;
    return {
      data,
      width: image.getWidth(),
      height: image.getHeight(),
      west: grid.west,
      north: grid.north,
      // Each overview cell is the mean of a 2^level block of full-resolution cells, from the same corner.
      resolution: grid.resolution * 2 ** level,
    };
  } finally {
    await tiff.close();
  }
}
