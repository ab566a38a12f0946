import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromArrayBuffer } from 'geotiff';
import { encodeGeoTiff, GeographicGrid } from './geotiff-writer.js';

const execFileP = promisify(execFile);

/** The IFD chain of a little-endian classic TIFF: each IFD's offset and its TileOffsets. */
function tiffLayout(buffer: Buffer): { ifd: number; tiles: number[] }[] {
  expect(buffer.toString('latin1', 0, 2)).toBe('II');
  expect(buffer.readUInt16LE(2)).toBe(42);
  const layout: { ifd: number; tiles: number[] }[] = [];
  for (let ifd = buffer.readUInt32LE(4); ifd !== 0;) {
    const count = buffer.readUInt16LE(ifd);
    let tiles: number[] = [];
    for (let e = 0; e < count; e++) {
      const entry = ifd + 2 + e * 12;
      if (buffer.readUInt16LE(entry) !== 324) continue;
      const n = buffer.readUInt32LE(entry + 4);
      const at = n === 1 ? entry + 8 : buffer.readUInt32LE(entry + 8);
      tiles = Array.from({ length: n }, (_, i) => buffer.readUInt32LE(at + 4 * i));
    }
    layout.push({ ifd, tiles });
    ifd = buffer.readUInt32LE(ifd + 2 + count * 12);
  }
  return layout;
}

/** GDAL's Python bindings ship the COG validator (Debian: python3-gdal, which scripts/services.sh installs). */
const GDAL_PYTHON = '/usr/bin/python3';
const hasGdal = existsSync(
  '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py',
);

const grid: GeographicGrid = { west: -19, north: 65, resolution: 0.075, width: 300, height: 270 };

function field(): Float32Array {
  const data = new Float32Array(grid.width * grid.height);
  for (let y = 0; y < grid.height; y++)
    for (let x = 0; x < grid.width; x++) data[y * grid.width + x] = x * 0.5 - y * 0.25 + 273.15;
  data[5] = NaN;
  return data;
}

async function readBack(buffer: Buffer) {
  const tiff = await fromArrayBuffer(new Uint8Array(buffer).buffer as ArrayBuffer);
  return tiff.getImage();
}

describe('encodeGeoTiff', () => {
  it.each([1, 3] as const)(
    'round-trips values, tiles and georeferencing (predictor %i)',
    async (predictor) => {
      const data = field();
      const image = await readBack(await encodeGeoTiff(data, grid, { predictor, tileSize: 256 }));
      expect(image.getWidth()).toBe(300);
      expect(image.getHeight()).toBe(270);
      expect(image.isTiled).toBe(true);
      expect(image.getTileWidth()).toBe(256);
      expect(image.fileDirectory.getValue('Compression')).toBe(8);
      expect(image.fileDirectory.getValue('SampleFormat')?.[0]).toBe(3);
      expect(image.getGDALNoData()).toBeNaN();
      expect(image.getOrigin()).toEqual([-19, 65, 0]);
      expect(image.getResolution()).toEqual([0.075, -0.075, 0]);
      const bbox = image.getBoundingBox();
      expect(bbox[0]).toBeCloseTo(-19, 9);
      expect(bbox[1]).toBeCloseTo(65 - 270 * 0.075, 9);
      expect(bbox[2]).toBeCloseTo(-19 + 300 * 0.075, 9);
      expect(bbox[3]).toBeCloseTo(65, 9);
      expect(image.getGeoKeys()).toMatchObject({
        GTModelTypeGeoKey: 2,
        GTRasterTypeGeoKey: 1,
        GeographicTypeGeoKey: 4326,
      });
      const [band] = (await image.readRasters()) as unknown as Float32Array[];
      expect(band).toBeInstanceOf(Float32Array);
      expect(band.length).toBe(data.length);
      expect(Number.isNaN(band[5])).toBe(true);
      band[5] = 0;
      data[5] = 0;
      expect(Buffer.from(band.buffer).equals(Buffer.from(data.buffer))).toBe(true);
    },
  );

  it('adds half-resolution overviews (NaN-aware means) until the image fits in one tile', async () => {
    const data = field();
    const buffer = await encodeGeoTiff(data, grid, { tileSize: 128 });
    const tiff = await fromArrayBuffer(new Uint8Array(buffer).buffer as ArrayBuffer);
    expect(await tiff.getImageCount()).toBe(3);
    const half = await tiff.getImage(1);
    expect([half.getWidth(), half.getHeight()]).toEqual([150, 135]);
    expect(half.fileDirectory.getValue('NewSubfileType')).toBe(1);
    const quarter = await tiff.getImage(2);
    expect([quarter.getWidth(), quarter.getHeight()]).toEqual([75, 68]);
    const [band] = (await half.readRasters()) as unknown as Float32Array[];
    // Cell (1, 0) averages full-resolution (2..3, 0..1); cell (2, 0) skips the NaN at index 5.
    const mean = (...v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(band[1]).toBeCloseTo(mean(data[2], data[3], data[302], data[303]), 4);
    expect(band[2]).toBeCloseTo(mean(data[4], data[304], data[305]), 4);
    const single = await fromArrayBuffer(
      new Uint8Array(await encodeGeoTiff(data, grid, { overviews: false })).buffer as ArrayBuffer,
    );
    expect(await single.getImageCount()).toBe(1);
  });

  it('lays the file out as a COG: ghost area, every IFD, then overview tiles before full resolution', async () => {
    const buffer = await encodeGeoTiff(field(), grid, { tileSize: 64 });
    expect(buffer.toString('latin1', 8, 8 + 43)).toMatch(/^GDAL_STRUCTURAL_METADATA_SIZE=\d{6} bytes\n/);
    expect(buffer.toString('latin1', 8, 200)).toContain(
      'LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\n',
    );
    const layout = tiffLayout(buffer);
    expect(layout.map((l) => l.tiles.length)).toEqual([5 * 5, 3 * 3, 2 * 2, 1]);
    // The IFDs come one after another, full resolution first, all before the first tile.
    const ifds = layout.map((l) => l.ifd);
    expect(ifds).toEqual([...ifds].sort((a, b) => a - b));
    expect(ifds[0]).toBeLessThan(200);
    const firstTile = Math.min(...layout.flatMap((l) => l.tiles));
    expect(Math.max(...ifds)).toBeLessThan(firstTile);
    // Tiles: the smallest overview first, the full resolution last, each image's tiles in row order.
    for (let i = 0; i < layout.length; i++) {
      const { tiles } = layout[i];
      expect(tiles).toEqual([...tiles].sort((a, b) => a - b));
      if (i > 0) expect(Math.max(...tiles)).toBeLessThan(Math.min(...layout[i - 1].tiles));
    }
    // Each tile: its size in the 4 bytes before it, its last 4 bytes repeated after it.
    const sizesOf = (ifd: number) => {
      const count = buffer.readUInt16LE(ifd);
      for (let e = 0; e < count; e++)
        if (buffer.readUInt16LE(ifd + 2 + e * 12) === 325) {
          const at = buffer.readUInt32LE(ifd + 2 + e * 12 + 8);
          return (i: number) => buffer.readUInt32LE(at + 4 * i);
        }
      throw new Error('no TileByteCounts');
    };
    const sizes = sizesOf(layout[0].ifd);
    layout[0].tiles.forEach((offset, i) => {
      expect(buffer.readUInt32LE(offset - 4)).toBe(sizes(i));
      const end = offset + sizes(i);
      expect(buffer.subarray(end, end + 4).equals(buffer.subarray(end - 4, end))).toBe(true);
    });
    const tiff = await fromArrayBuffer(new Uint8Array(buffer).buffer as ArrayBuffer);
    expect(await tiff.getGhostValues()).toMatchObject({
      LAYOUT: 'IFDS_BEFORE_DATA',
      BLOCK_ORDER: 'ROW_MAJOR',
    });
    const [band] = (await (await tiff.getImage(0)).readRasters()) as unknown as Float32Array[];
    expect(band[301]).toBe(field()[301]);
  });

  (hasGdal ? it : it.skip)(
    "passes GDAL's validate_cloud_optimized_geotiff.py and reads in gdalinfo",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cog-'));
      try {
        const path = join(dir, 'layer.tif');
        await writeFile(path, await encodeGeoTiff(field(), grid, { tileSize: 64 }));
        const validation = await execFileP(GDAL_PYTHON, [
          '-m',
          'osgeo_utils.samples.validate_cloud_optimized_geotiff',
          '--full-check=yes',
          path,
        ]);
        expect(validation.stdout).toContain('is a valid cloud optimized GeoTIFF');
        const info = JSON.parse((await execFileP('gdalinfo', ['-json', '-stats', path])).stdout) as {
          size: number[];
          metadata: { IMAGE_STRUCTURE?: Record<string, string> };
          bands: { overviews: { size: number[] }[]; noDataValue: string | number; minimum: number }[];
          coordinateSystem: { wkt: string };
        };
        expect(info.size).toEqual([300, 270]);
        expect(info.metadata.IMAGE_STRUCTURE).toMatchObject({ LAYOUT: 'COG', COMPRESSION: 'DEFLATE' });
        expect(info.bands[0].overviews.map((o) => o.size)).toEqual([
          [150, 135],
          [75, 68],
          [38, 34],
        ]);
        expect(info.coordinateSystem.wkt).toContain('WGS 84');
        expect(info.bands[0].minimum).toBeCloseTo(Math.min(...field().filter((v) => !Number.isNaN(v))), 3);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('refuses data that does not match the grid', async () => {
    await expect(encodeGeoTiff(new Float32Array(3), grid)).rejects.toThrow(/Expected 81000 values/);
  });
});
