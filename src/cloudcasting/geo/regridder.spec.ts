import proj4 from 'proj4';
import { geosProj4, geosProjectionFromAttrs } from './geos-projection.js';
import { GeosRegridder, gridFor } from './regridder.js';

const PROJ = geosProj4(9.5);
/** A field linear in geostationary metres: bilinear interpolation reproduces it exactly. */
const field = (x: number, y: number) => 200 + x / 1e4 - y / 2e4;

/** Source pixel centres every 3 km, y north to south as in the SEVIRI files. */
function sourceGrid(nx = 1400, ny = 700) {
  const x = Float64Array.from({ length: nx }, (_, i) => -2_200_000 + i * 3000);
  const y = Float64Array.from({ length: ny }, (_, j) => 5_500_000 - j * 3000);
  const data = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[j * nx + i] = field(x[i], y[j]);
  return { x, y, data };
}

describe('geostationary projection', () => {
  it('maps known points', () => {
    const toGeos = proj4('EPSG:4326', PROJ);
    const [x0, y0] = toGeos.forward([9.5, 0]);
    expect(x0).toBeCloseTo(0, 3);
    expect(y0).toBeCloseTo(0, 3);
    const [x, y] = toGeos.forward([0, 50]);
    expect(x).toBeCloseTo(-636_553, -1);
    expect(y).toBeCloseTo(4_540_517, -1);
    expect(toGeos.forward([100, 0]).every(Number.isNaN)).toBe(true);
  });

  it('takes lon_0 from the platform name, then orbital parameters, then the area, else 9.5', () => {
    expect(geosProjectionFromAttrs({ platform_name: 'Meteosat-10' })).toMatchObject({
      lon0: 0,
      origin: 'platform_name',
    });
    expect(geosProjectionFromAttrs({ platform_name: 'Meteosat-11' }).lon0).toBe(9.5);
    expect(
      geosProjectionFromAttrs({ orbital_parameters: JSON.stringify({ projection_longitude: 41.5 }) }),
    ).toMatchObject({ lon0: 41.5, origin: 'orbital_parameters' });
    expect(
      geosProjectionFromAttrs({ area: 'msg:\n  projection:\n    lon_0: 0.0\n    proj: geos' }).lon0,
    ).toBe(0);
    expect(geosProjectionFromAttrs({ area: '+proj=geos +lon_0=3.4 +h=35785831' }).lon0).toBe(3.4);
    expect(geosProjectionFromAttrs({})).toMatchObject({ lon0: 9.5, origin: 'default' });
  });
});

describe('GeosRegridder', () => {
  it('sizes the Meteosat-11 grid at 0.075 degrees', () => {
    expect(gridFor({ west: -19, south: 42, east: 15, north: 65 }, 0.075)).toEqual({
      west: -19,
      north: 65,
      resolution: 0.075,
      width: 454,
      height: 307,
    });
    expect(gridFor({ west: 0, south: 0, east: 0.75, north: 0.3 }, 0.075)).toMatchObject({
      width: 10,
      height: 4,
    });
  });

  it('samples the field at cell centres and leaves cells outside the source NaN', () => {
    const { x, y, data } = sourceGrid();
    const grid = gridFor({ west: -19, south: 42, east: 15, north: 65 }, 0.075);
    const regridder = new GeosRegridder(grid, PROJ, x, y);
    const out = regridder.apply(data);
    const toGeos = proj4('EPSG:4326', PROJ);
    for (const [lon, lat] of [
      [0, 50],
      [-10, 60],
      [14.9, 42.1],
      [-0.1275, 51.5072],
    ]) {
      const col = Math.floor((lon - grid.west) / grid.resolution);
      const row = Math.floor((grid.north - lat) / grid.resolution);
      const centre = [grid.west + (col + 0.5) * 0.075, grid.north - (row + 0.5) * 0.075];
      const [gx, gy] = toGeos.forward(centre);
      expect(out[row * grid.width + col]).toBeCloseTo(field(gx, gy), 2);
    }
    // The source stops at x = 1 997 000 m: the far east of a wider box is not covered.
    const wide = new GeosRegridder(gridFor({ west: 0, south: 0, east: 60, north: 10 }, 1), PROJ, x, y);
    const wideOut = wide.apply(data);
    expect(Number.isNaN(wideOut[59])).toBe(true);
    expect(Number.isNaN(wideOut[0])).toBe(true); // y: the source starts at 5 500 km, lat 0-10 is south of it
  });

  it('propagates NaN source pixels instead of inventing values', () => {
    const x = [0, 3000, 6000];
    const y = [3000, 0];
    const grid = gridFor({ west: 9.5, south: 0, east: 9.5 + 0.05, north: 0.027 }, 0.01);
    const regridder = new GeosRegridder(grid, PROJ, x, y);
    const clean = regridder.apply(new Float32Array([1, 1, 1, 1, 1, 1]));
    expect(clean.some((v) => v === 1)).toBe(true);
    const holed = regridder.apply(new Float32Array([NaN, NaN, NaN, NaN, NaN, NaN]));
    expect(holed.every(Number.isNaN)).toBe(true);
  });

  it('applies to one layer of a larger buffer by offset', () => {
    const x = [0, 3000];
    const y = [3000, 0];
    const grid = gridFor({ west: 9.5, south: 0, east: 9.51, north: 0.01 }, 0.01);
    const regridder = new GeosRegridder(grid, PROJ, x, y);
    const layers = new Float32Array([1, 1, 1, 1, 7, 7, 7, 7]);
    expect(regridder.apply(layers, 4)[0]).toBeCloseTo(7, 5);
  });
});
