/** Web Mercator (EPSG:3857) XYZ tiles, 256 px, as slippy maps (OpenLayers, MapLibre, Leaflet) request them. */
export const TILE_SIZE = 256;
/** Beyond this latitude Web Mercator has no tiles. */
export const MAX_LATITUDE = 85.0511287798066;

export interface TileBounds {
  west: number;
  east: number;
  north: number;
  south: number;
}

export function isValidTile(z: number, x: number, y: number): boolean {
  const n = 2 ** z;
  return Number.isInteger(z) && z >= 0 && z <= 24 && x >= 0 && x < n && y >= 0 && y < n;
}

/** Longitude of a tile-space x (fractional tiles count from the antimeridian). */
export function tileXToLon(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

/** Latitude of a tile-space y (fractional; 0 at the top of the world). */
export function tileYToLat(y: number, z: number): number {
  const n = Math.PI - (2 * Math.PI * y) / 2 ** z;
  return (180 / Math.PI) * Math.atan(Math.sinh(n));
}

export function tileBounds(z: number, x: number, y: number): TileBounds {
  return {
    west: tileXToLon(x, z),
    east: tileXToLon(x + 1, z),
    north: tileYToLat(y, z),
    south: tileYToLat(y + 1, z),
  };
}

/** The smallest zoom whose pixels (at the equator) are no bigger than `degrees`: the layer's native zoom. */
export function nativeZoom(degrees: number): number {
  return Math.max(0, Math.ceil(Math.log2(360 / (TILE_SIZE * degrees))));
}
