import { fromArrayBuffer } from 'geotiff';
import { encodeGeoTiff, GeographicGrid } from './geotiff-writer.js';

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

  it('refuses data that does not match the grid', async () => {
    await expect(encodeGeoTiff(new Float32Array(3), grid)).rejects.toThrow(/Expected 81000 values/);
  });
});
