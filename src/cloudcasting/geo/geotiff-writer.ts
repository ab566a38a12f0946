import { promisify } from 'node:util';
import { deflate } from 'node:zlib';

const deflateAsync = promisify(deflate);

/** A regular longitude/latitude grid: `west`/`north` are the outer edges of the first (top-left) cell. */
export interface GeographicGrid {
  west: number;
  north: number;
  resolution: number;
  width: number;
  height: number;
}

export interface GeoTiffOptions {
  tileSize?: number;
  /** zlib level 1-9. */
  level?: number;
  /** 1: none, 3: floating-point predictor (better ratios for smooth fields, slightly more CPU). */
  predictor?: 1 | 3;
  /** Half-resolution overviews until the image fits in one tile (default true). */
  overviews?: boolean;
}

export const DEFAULT_TILE_SIZE = 256;

/** The full image and its overviews: each half the previous one (rounding up) until one tile holds it. */
export function imageSizes(
  width: number,
  height: number,
  tileSize = DEFAULT_TILE_SIZE,
): { width: number; height: number }[] {
  const sizes = [{ width, height }];
  for (let last = sizes[0]; last.width > tileSize || last.height > tileSize; last = sizes[sizes.length - 1])
    sizes.push({ width: Math.ceil(last.width / 2), height: Math.ceil(last.height / 2) });
  return sizes;
}

const enum FieldType {
  ASCII = 2,
  SHORT = 3,
  LONG = 4,
  DOUBLE = 12,
}

const FIELD_SIZE: Record<FieldType, number> = {
  [FieldType.ASCII]: 1,
  [FieldType.SHORT]: 2,
  [FieldType.LONG]: 4,
  [FieldType.DOUBLE]: 8,
};

interface Tag {
  id: number;
  type: FieldType;
  values: number[] | string;
}

/**
 * Writes one float32 band as a tiled, DEFLATE-compressed GeoTIFF in EPSG:4326 with NaN as nodata, plus
 * half-resolution overviews until the image fits in one tile (as GDAL's COG driver does), so a zoomed-out map
 * reads one small tile instead of the whole layer. geotiff.js can write GeoTIFFs but only uncompressed strips and
 * slowly; this writer compresses tiles on libuv's thread pool (so several tiles and layers compress in parallel)
 * and lays the file out in one buffer as GDAL's COG driver does (see below).
 */
export async function encodeGeoTiff(
  data: Float32Array,
  grid: GeographicGrid,
  options: GeoTiffOptions = {},
): Promise<Buffer> {
  const { width, height } = grid;
  if (data.length !== width * height)
    throw new Error(`Expected ${width * height} values, got ${data.length}`);
  const tileSize = options.tileSize ?? DEFAULT_TILE_SIZE;
  const predictor = options.predictor ?? 3;
  const level = options.level ?? 6;

  const images = [{ data, width, height }];
  const levels = (options.overviews ?? true) ? imageSizes(width, height, tileSize).length : 1;
  while (images.length < levels) {
    const last = images[images.length - 1];
    images.push(halve(last.data, last.width, last.height));
  }
  const compressed = await Promise.all(
    images.map((image) => compressTiles(image.data, image.width, image.height, tileSize, predictor, level)),
  );

  const ifds = images.map((image, i) => {
    const tiles = compressed[i];
    const tags: Tag[] = [
      ...(i > 0 ? [{ id: 254, type: FieldType.LONG, values: [1] }] : []), // NewSubfileType: reduced resolution
      { id: 256, type: FieldType.LONG, values: [image.width] },
      { id: 257, type: FieldType.LONG, values: [image.height] },
      { id: 258, type: FieldType.SHORT, values: [32] },
      { id: 259, type: FieldType.SHORT, values: [8] }, // Adobe DEFLATE
      { id: 262, type: FieldType.SHORT, values: [1] }, // BlackIsZero
      { id: 277, type: FieldType.SHORT, values: [1] },
      { id: 284, type: FieldType.SHORT, values: [1] },
      { id: 317, type: FieldType.SHORT, values: [predictor] },
      { id: 322, type: FieldType.LONG, values: [tileSize] },
      { id: 323, type: FieldType.LONG, values: [tileSize] },
      { id: 324, type: FieldType.LONG, values: tiles.map(() => 0) }, // TileOffsets, filled in below
      { id: 325, type: FieldType.LONG, values: tiles.map((t) => t.length) },
      { id: 339, type: FieldType.SHORT, values: [3] }, // IEEE float
      ...(i === 0 ? georeferencing(grid) : []),
      { id: 42113, type: FieldType.ASCII, values: 'nan\0' }, // GDAL_NODATA
    ];
    return { tags, size: ifdSize(tags) };
  });

  // GDAL's COG layout: header, the structural-metadata ghost area, every IFD (full resolution first), then the
  // tile data from the smallest overview to the full resolution, so a reader of the header learns where
  // everything is and a zoomed-out read touches only the start of the file.
  const ghost = Buffer.from(structuralMetadata(), 'latin1');
  const ifdOffsets: number[] = [];
  let at = 8 + ghost.length + (ghost.length % 2);
  for (const ifd of ifds) {
    ifdOffsets.push(at);
    at += ifd.size;
  }
  // Each tile sits between a 4-byte leader (its size) and a trailer (its last 4 bytes again), as GDAL writes them:
  // a reader can fetch a tile with its neighbour's size in one request and detect a file rewritten in place.
  let cursor = at;
  const dataOrder = ifds.map((_, i) => ifds.length - 1 - i);
  const blocks: Buffer[] = [];
  for (const i of dataOrder) {
    const offsets = ifds[i].tags.find((t) => t.id === 324) as Tag;
    offsets.values = compressed[i].map((tile) => {
      const leader = Buffer.alloc(4);
      leader.writeUInt32LE(tile.length);
      blocks.push(leader, tile, tile.subarray(tile.length - 4));
      cursor += 4 + tile.length + 4;
      return cursor - tile.length - 4;
    });
  }

  const header = Buffer.alloc(at);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  header.writeUInt32LE(ifdOffsets[0], 4);
  ghost.copy(header, 8);
  ifds.forEach((ifd, i) => writeIfd(header, ifdOffsets[i], ifd.tags, ifdOffsets[i + 1] ?? 0));
  return Buffer.concat([header, ...blocks], cursor);
}

/**
 * The ghost area GDAL writes right after the TIFF header of a COG: it tells GDAL (and
 * validate_cloud_optimized_geotiff.py) that the IFDs come before the data, the tiles of each image are in row
 * order, and each tile has a size leader and a repeated-bytes trailer.
 */
export function structuralMetadata(): string {
  const body =
    'LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n' +
    'BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ';
  return `GDAL_STRUCTURAL_METADATA_SIZE=${String(body.length).padStart(6, '0')} bytes\n${body}`;
}

function georeferencing(grid: GeographicGrid): Tag[] {
  const geoKeys = [
    ...[1, 1, 0, 4], // GeoKeyDirectory version 1.1.0, 4 keys
    ...[1024, 0, 1, 2], // GTModelTypeGeoKey = ModelTypeGeographic
    ...[1025, 0, 1, 1], // GTRasterTypeGeoKey = RasterPixelIsArea
    ...[2048, 0, 1, 4326], // GeographicTypeGeoKey = WGS 84
    ...[2054, 0, 1, 9102], // GeogAngularUnitsGeoKey = degree
  ];
  return [
    { id: 33550, type: FieldType.DOUBLE, values: [grid.resolution, grid.resolution, 0] },
    { id: 33922, type: FieldType.DOUBLE, values: [0, 0, 0, grid.west, grid.north, 0] },
    { id: 34735, type: FieldType.SHORT, values: geoKeys },
  ];
}

function compressTiles(
  data: Float32Array,
  width: number,
  height: number,
  tileSize: number,
  predictor: 1 | 3,
  level: number,
): Promise<Buffer[]> {
  const tiles: Promise<Buffer>[] = [];
  for (let ty = 0; ty < Math.ceil(height / tileSize); ty++) {
    for (let tx = 0; tx < Math.ceil(width / tileSize); tx++) {
      const raw = extractTile(data, width, height, tx * tileSize, ty * tileSize, tileSize);
      const rows = Math.min(tileSize, height - ty * tileSize);
      const bytes =
        predictor === 3 ? floatingPointPredictor(raw, tileSize, rows) : new Uint8Array(raw.buffer);
      tiles.push(deflateAsync(bytes, { level }));
    }
  }
  return Promise.all(tiles);
}

/** Half resolution, each cell the mean of the valid (non-NaN) cells of its 2 x 2 block (GDAL's "average"). */
function halve(data: Float32Array, width: number, height: number) {
  const w = Math.ceil(width / 2);
  const h = Math.ceil(height / 2);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      let count = 0;
      for (let dy = 0; dy < 2; dy++) {
        const sy = 2 * y + dy;
        if (sy >= height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const sx = 2 * x + dx;
          if (sx >= width) continue;
          const v = data[sy * width + sx];
          if (!Number.isNaN(v)) {
            sum += v;
            count++;
          }
        }
      }
      out[y * w + x] = count > 0 ? sum / count : NaN;
    }
  }
  return { data: out, width: w, height: h };
}

function ifdSize(tags: Tag[]): number {
  let extra = 0;
  for (const tag of tags) {
    const size = byteSize(tag);
    if (size > 4) extra += size + (size % 2);
  }
  return 2 + tags.length * 12 + 4 + extra;
}

/** One IFD at `offset`, its out-of-line values right after its entries. */
function writeIfd(buffer: Buffer, offset: number, tags: Tag[], nextIfd: number): void {
  buffer.writeUInt16LE(tags.length, offset);
  let entry = offset + 2;
  let extra = offset + 2 + tags.length * 12 + 4;
  for (const tag of tags) {
    const size = byteSize(tag);
    buffer.writeUInt16LE(tag.id, entry);
    buffer.writeUInt16LE(tag.type, entry + 2);
    buffer.writeUInt32LE(tag.values.length, entry + 4);
    if (size <= 4) {
      writeValues(buffer, entry + 8, tag);
    } else {
      buffer.writeUInt32LE(extra, entry + 8);
      writeValues(buffer, extra, tag);
      extra += size + (size % 2);
    }
    entry += 12;
  }
  buffer.writeUInt32LE(nextIfd, entry);
}

function byteSize(tag: Tag): number {
  return tag.values.length * FIELD_SIZE[tag.type];
}

function writeValues(buffer: Buffer, offset: number, tag: Tag): void {
  if (typeof tag.values === 'string') {
    buffer.write(tag.values, offset, 'latin1');
    return;
  }
  for (const value of tag.values) {
    switch (tag.type) {
      case FieldType.SHORT:
        buffer.writeUInt16LE(value, offset);
        break;
      case FieldType.LONG:
        buffer.writeUInt32LE(value, offset);
        break;
      case FieldType.DOUBLE:
        buffer.writeDoubleLE(value, offset);
        break;
      case FieldType.ASCII:
        buffer.writeUInt8(value, offset);
        break;
    }
    offset += FIELD_SIZE[tag.type];
  }
}

/** A full tile (TIFF tiles are always whole); the part beyond the image is NaN. */
function extractTile(
  data: Float32Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  size: number,
): Float32Array {
  const tile = new Float32Array(size * size);
  const columns = Math.min(size, width - x0);
  const rows = Math.min(size, height - y0);
  if (columns < size || rows < size) tile.fill(NaN);
  for (let row = 0; row < rows; row++) {
    const from = (y0 + row) * width + x0;
    tile.set(data.subarray(from, from + columns), row * size);
  }
  return tile;
}

/**
 * TIFF predictor 3 (Adobe tech note 3): each row's floats are split into byte planes, most significant first, then
 * byte-wise differenced. Smooth fields turn into long runs of small numbers that DEFLATE packs much better.
 * Rows past the image (padding) are all NaN and predict to the same bytes, so they are computed once and copied.
 */
function floatingPointPredictor(tile: Float32Array, size: number, rows: number): Uint8Array {
  const words = new Uint32Array(tile.buffer, tile.byteOffset, tile.length);
  const out = new Uint8Array(tile.byteLength);
  const rowBytes = size * 4;
  const predictRow = (row: number) => {
    const base = row * rowBytes;
    const first = row * size;
    for (let i = 0; i < size; i++) {
      const word = words[first + i];
      // Uint8Array stores keep the low 8 bits.
      out[base + i] = word >>> 24;
      out[base + size + i] = word >>> 16;
      out[base + 2 * size + i] = word >>> 8;
      out[base + 3 * size + i] = word;
    }
    for (let i = rowBytes - 1; i > 0; i--) out[base + i] -= out[base + i - 1];
  };
  for (let row = 0; row < rows; row++) predictRow(row);
  if (rows < size) {
    predictRow(rows);
    const padding = out.subarray(rows * rowBytes, (rows + 1) * rowBytes);
    for (let row = rows + 1; row < size; row++) out.set(padding, row * rowBytes);
  }
  return out;
}
