import { invalidParameter } from '../species.errors.js';

export interface Bbox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

export interface Circle {
  lat: number;
  lng: number;
  radiusKm: number;
}

/** `minLon,minLat,maxLon,maxLat`; refuses a bbox outside the globe or inverted (min above max). */
export function parseBbox(value: string, name = 'bbox'): Bbox {
  const parts = value.split(',').map((p) => p.trim());
  const numbers = parts.map((p) => (p === '' ? NaN : Number(p)));
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n)))
    throw invalidParameter(name, 'must be four numbers: minLon,minLat,maxLon,maxLat');
  const [minLon, minLat, maxLon, maxLat] = numbers;
  if ([minLon, maxLon].some((x) => Math.abs(x) > 180))
    throw invalidParameter(name, 'longitudes must be between -180 and 180');
  if ([minLat, maxLat].some((y) => Math.abs(y) > 90))
    throw invalidParameter(name, 'latitudes must be between -90 and 90');
  if (minLon > maxLon) throw invalidParameter(name, 'is inverted: minLon is greater than maxLon');
  if (minLat > maxLat) throw invalidParameter(name, 'is inverted: minLat is greater than maxLat');
  return { minLon, minLat, maxLon, maxLat };
}

/** A radius search needs its three parameters together (their ranges are checked by the DTO). */
export function circleOf(
  values: { lat?: number; lng?: number; radius?: number },
  names: { lat: string; lng: string; radius: string },
  required = false,
): Circle | undefined {
  const given = [values.lat, values.lng, values.radius].filter((v) => v !== undefined).length;
  if (given === 0 && !required) return undefined;
  for (const key of ['lat', 'lng', 'radius'] as const)
    if (values[key] === undefined)
      throw invalidParameter(
        names[key],
        `is required with ${Object.values(names)
          .filter((n) => n !== names[key])
          .join(' and ')}`,
      );
  return { lat: values.lat as number, lng: values.lng as number, radiusKm: values.radius as number };
}
