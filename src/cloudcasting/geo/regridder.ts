import proj4 from 'proj4';
import type { GeographicGrid } from './geotiff-writer.js';

/** A lon/lat box in degrees. */
export interface BoundingBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** The output grid covering a box at a resolution; the last column/row may reach a little past east/south. */
export function gridFor(box: BoundingBox, resolution: number): GeographicGrid {
  // The epsilon keeps an exact multiple (e.g. 0.75 / 0.075) from gaining a column through rounding.
  const width = Math.ceil((box.east - box.west) / resolution - 1e-9);
  const height = Math.ceil((box.north - box.south) / resolution - 1e-9);
  return { west: box.west, north: box.north, resolution, width, height };
}

/**
 * Inverse-mapping bilinear resampler from the geostationary source grid to a lon/lat grid. The geometry (which
 * source pixels and weights feed each output cell) is computed once, then applied to every channel x step layer:
 * for each output cell centre, lon/lat -> geos x/y (proj4), -> fractional source indices.
 */
export class GeosRegridder {
  readonly grid: GeographicGrid;
  /** Index of the top-left source pixel of each output cell, or -1 where the cell has no data. */
  private readonly corner: Int32Array;
  private readonly weightX: Float32Array;
  private readonly weightY: Float32Array;
  private readonly sourceWidth: number;

  constructor(
    grid: GeographicGrid,
    geosProj4: string,
    xCoords: ArrayLike<number>,
    yCoords: ArrayLike<number>,
  ) {
    if (xCoords.length < 2 || yCoords.length < 2)
      throw new Error('The source grid needs at least 2 x 2 pixels');
    this.grid = grid;
    this.sourceWidth = xCoords.length;
    const cells = grid.width * grid.height;
    this.corner = new Int32Array(cells).fill(-1);
    this.weightX = new Float32Array(cells);
    this.weightY = new Float32Array(cells);
    const toGeos = proj4('EPSG:4326', geosProj4);
    const xs = new AxisLocator(xCoords);
    const ys = new AxisLocator(yCoords);
    const point: [number, number] = [0, 0];
    for (let row = 0; row < grid.height; row++) {
      const lat = grid.north - (row + 0.5) * grid.resolution;
      for (let col = 0; col < grid.width; col++) {
        point[0] = grid.west + (col + 0.5) * grid.resolution;
        point[1] = lat;
        // Points the satellite cannot see come back as NaN (or Infinity); those cells stay nodata.
        const [x, y] = toGeos.forward(point);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        const fx = xs.fractionalIndex(x);
        const fy = ys.fractionalIndex(y);
        if (Number.isNaN(fx) || Number.isNaN(fy)) continue;
        const x0 = Math.min(Math.floor(fx), xCoords.length - 2);
        const y0 = Math.min(Math.floor(fy), yCoords.length - 2);
        const cell = row * grid.width + col;
        this.corner[cell] = y0 * this.sourceWidth + x0;
        this.weightX[cell] = fx - x0;
        this.weightY[cell] = fy - y0;
      }
    }
  }

  /** Resamples one source layer (`source[offset + y * width + x]`) into `out` (or a new array). */
  apply(source: Float32Array, offset = 0, out = new Float32Array(this.corner.length)): Float32Array {
    const { corner, weightX, weightY, sourceWidth } = this;
    for (let cell = 0; cell < corner.length; cell++) {
      const at = corner[cell];
      if (at < 0) {
        out[cell] = NaN;
        continue;
      }
      const i = offset + at;
      const tx = weightX[cell];
      const ty = weightY[cell];
      const top = source[i] + (source[i + 1] - source[i]) * tx;
      const bottom = source[i + sourceWidth] + (source[i + sourceWidth + 1] - source[i + sourceWidth]) * tx;
      // A NaN neighbour (space, or missing data) makes the cell NaN: no invented values at the disc's edge.
      out[cell] = top + (bottom - top) * ty;
    }
    return out;
  }
}

/**
 * Pixel-centre coordinates along one axis, ascending or descending (geostationary y usually runs north to south).
 * Maps a coordinate to a fractional index; up to half a pixel beyond the outer centres clamps to the edge, further
 * out is NaN.
 */
class AxisLocator {
  private readonly values: Float64Array;
  private readonly descending: boolean;
  private readonly halfPixel: number;

  constructor(coords: ArrayLike<number>) {
    const descending = coords[coords.length - 1] < coords[0];
    // Searching always runs on ascending values: a descending axis is negated.
    this.values = Float64Array.from(coords, (v) => (descending ? -v : v));
    this.descending = descending;
    this.halfPixel = Math.abs(this.values[this.values.length - 1] - this.values[0]) / (coords.length - 1) / 2;
  }

  fractionalIndex(coordinate: number): number {
    const v = this.descending ? -coordinate : coordinate;
    const values = this.values;
    const last = values.length - 1;
    if (v < values[0]) return values[0] - v <= this.halfPixel ? 0 : NaN;
    if (v > values[last]) return v - values[last] <= this.halfPixel ? last : NaN;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (values[mid] <= v) lo = mid;
      else hi = mid;
    }
    return lo + (v - values[lo]) / (values[hi] - values[lo]);
  }
}
