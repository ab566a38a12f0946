import { PNG } from 'pngjs';
import { colormapTable, ColormapName } from './colormaps.js';
import { TILE_SIZE, tileBounds, tileXToLon, tileYToLat } from './web-mercator.js';

/** A decoded lon/lat raster: `west`/`north` are the outer edges of the top-left cell (NaN is nodata). */
export interface GeographicRaster {
  data: Float32Array;
  width: number;
  height: number;
  west: number;
  north: number;
  resolution: number;
}

export interface TileStyle {
  colormap: ColormapName;
  min: number;
  max: number;
}

/** Whether a tile overlaps the raster at all (otherwise it is transparent and needs no rendering). */
export function tileIntersects(raster: GeographicRaster, z: number, x: number, y: number): boolean {
  const b = tileBounds(z, x, y);
  const east = raster.west + raster.width * raster.resolution;
  const south = raster.north - raster.height * raster.resolution;
  return b.west < east && b.east > raster.west && b.south < raster.north && b.north > south;
}

/**
 * Renders one 256 px Web Mercator tile from a lon/lat raster: each output pixel centre is mapped back to the
 * raster cell containing it (nearest neighbour, like titiler's default), its value stretched to [min, max] and
 * coloured. Nodata and everything outside the raster are transparent. Returns RGBA bytes.
 */
export function renderTile(
  raster: GeographicRaster,
  z: number,
  x: number,
  y: number,
  style: TileStyle,
): Uint8Array {
  const out = new Uint32Array(TILE_SIZE * TILE_SIZE);
  const table = new Uint32Array(colormapTable(style.colormap).slice().buffer);
  const columns = new Int32Array(TILE_SIZE);
  for (let px = 0; px < TILE_SIZE; px++) {
    const lon = tileXToLon(x + (px + 0.5) / TILE_SIZE, z);
    const col = Math.floor((lon - raster.west) / raster.resolution);
    columns[px] = col >= 0 && col < raster.width ? col : -1;
  }
  const span = style.max - style.min;
  const scale = span !== 0 ? 255 / span : 0;
  const { data, width } = raster;
  for (let py = 0; py < TILE_SIZE; py++) {
    const lat = tileYToLat(y + (py + 0.5) / TILE_SIZE, z);
    const row = Math.floor((raster.north - lat) / raster.resolution);
    if (row < 0 || row >= raster.height) continue;
    const rowStart = row * width;
    const outRow = py * TILE_SIZE;
    for (let px = 0; px < TILE_SIZE; px++) {
      const col = columns[px];
      if (col < 0) continue;
      const v = data[rowStart + col];
      if (v !== v) continue; // NaN: nodata
      const i = span !== 0 ? Math.round((v - style.min) * scale) : v >= style.max ? 255 : 0;
      out[outRow + px] = table[i < 0 ? 0 : i > 255 ? 255 : i];
    }
  }
  return new Uint8Array(out.buffer);
}

/** RGBA bytes of a tile as PNG; DEFLATE level 1 and no row filters: tiles are small and rendered per request. */
export function encodePng(rgba: Uint8Array, width = TILE_SIZE, height = TILE_SIZE): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png, { deflateLevel: 1, filterType: 0 });
}
