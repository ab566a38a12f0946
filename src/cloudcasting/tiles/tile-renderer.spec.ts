import { PNG } from 'pngjs';
import { colormapTable, legendStops } from './colormaps.js';
import { encodePng, GeographicRaster, renderTile, tileIntersects } from './tile-renderer.js';

/** 1-degree cells over 10W..10E, 60N..40N; value = column index, NaN in the top-left cell. */
function raster(): GeographicRaster {
  const width = 20;
  const height = 20;
  const data = Float32Array.from({ length: width * height }, (_, i) => i % width);
  data[0] = NaN;
  return { data, width, height, west: -10, north: 60, resolution: 1 };
}

const pixel = (rgba: Uint8Array, px: number, py: number) =>
  Array.from(rgba.subarray((py * 256 + px) * 4, (py * 256 + px) * 4 + 4));

describe('renderTile', () => {
  it('colours each pixel from the cell under its centre and leaves the rest transparent', () => {
    // Zoom 2 tile (1, 1) spans 90W..0 and 66.5N..0: the raster's western half sits in its top-right part.
    const rgba = renderTile(raster(), 2, 1, 1, { colormap: 'greys', min: 0, max: 19 });
    expect(pixel(rgba, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(pixel(rgba, 250, 255)).toEqual([0, 0, 0, 0]);
    // Longitude -0.18 (px 255) is column 9 of the raster; latitude about 50N.
    const lat50Row = 64; // ~ 50.6N at zoom 2, row 1
    const value = 9;
    const grey = Math.round((value / 19) * 255);
    expect(pixel(rgba, 255, lat50Row)).toEqual([grey, grey, grey, 255]);
  });

  it('stretches with rescale, clamps outside it, and keeps NaN transparent', () => {
    const r = raster();
    // Zoom 5 tile 14/9 spans 22.5W..11.25W: only column 0 (-10..-9) is out of it, so use tile 15/9 (11.25W..0).
    const rgba = renderTile(r, 5, 15, 9, { colormap: 'viridis', min: 5, max: 6 });
    const table = colormapTable('viridis');
    // -9.5E (column 0, NaN at the top row only) and -0.5E (column 9 > max: clamped to the top colour).
    const xOf = (lon: number) => Math.floor(((lon + 11.25) / 11.25) * 256);
    expect(pixel(rgba, xOf(-0.5), 128)).toEqual(Array.from(table.subarray(255 * 4, 256 * 4)));
    expect(pixel(rgba, xOf(-8.5), 128)).toEqual(Array.from(table.subarray(0, 4)));
  });

  it('knows when a tile misses the raster', () => {
    expect(tileIntersects(raster(), 4, 0, 0)).toBe(false);
    expect(tileIntersects(raster(), 4, 7, 5)).toBe(true);
  });

  it('encodes a PNG that decodes to the same pixels', () => {
    const rgba = renderTile(raster(), 3, 3, 2, { colormap: 'cloud', min: 0, max: 19 });
    const png = PNG.sync.read(encodePng(rgba));
    expect(png.width).toBe(256);
    expect(Buffer.from(png.data).equals(Buffer.from(rgba))).toBe(true);
    expect(rgba.some((v, i) => i % 4 === 3 && v > 0)).toBe(true);
  });
});

describe('legendStops', () => {
  it('spreads colour stops over the stretch', () => {
    const stops = legendStops('cloud', 0, 100, 3);
    expect(stops).toEqual([
      { value: 0, color: 'rgba(255, 255, 255, 0)' },
      { value: 50, color: 'rgba(255, 255, 255, 0.502)' },
      { value: 100, color: 'rgba(255, 255, 255, 1)' },
    ]);
    expect(legendStops('viridis', 0, 1, 2).map((s) => s.color)).toEqual([
      'rgba(68, 1, 84, 1)',
      'rgba(253, 231, 37, 1)',
    ]);
  });
});
