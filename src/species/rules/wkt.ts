import { ValidateBy, type ValidationOptions } from 'class-validator';
import wkx from 'wkx';

type Ring = number[][];

/**
 * Why `text` is not a WKT polygon OBIS can search within (POLYGON or MULTIPOLYGON, closed rings of at least four
 * positions, longitudes and latitudes in range, nothing after the last parenthesis), or null when it is one.
 */
export function wktPolygonProblem(text: string): string | null {
  let geometry: { type: string; coordinates: unknown };
  try {
    if (!/\)\s*$/.test(text)) return 'text after the geometry';
    geometry = wkx.Geometry.parse(text).toGeoJSON() as { type: string; coordinates: unknown };
  } catch (error) {
    return `not WKT (${(error as Error).message})`;
  }
  const polygons =
    geometry.type === 'Polygon'
      ? [geometry.coordinates as Ring[]]
      : geometry.type === 'MultiPolygon'
        ? (geometry.coordinates as Ring[][])
        : null;
  if (!polygons) return `a ${geometry.type}, not a POLYGON or MULTIPOLYGON`;
  for (const ring of polygons.flat()) {
    if (ring.length < 4) return 'a ring has fewer than 4 positions';
    const [first, last] = [ring[0], ring[ring.length - 1]];
    if (first[0] !== last[0] || first[1] !== last[1]) return 'a ring is not closed';
    if (ring.some(([lng, lat]) => !(Math.abs(lng) <= 180 && Math.abs(lat) <= 90)))
      return 'a position is outside longitude -180..180 / latitude -90..90';
  }
  return null;
}

/** The property is a WKT POLYGON or MULTIPOLYGON in WGS 84 (see wktPolygonProblem). */
export function IsWktPolygon(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWktPolygon',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && wktPolygonProblem(value) === null,
        defaultMessage: (args) =>
          `${args?.property} must be a WKT POLYGON or MULTIPOLYGON: ${
            typeof args?.value === 'string' ? wktPolygonProblem(args.value) : 'not a string'
          }`,
      },
    },
    options,
  );
}
