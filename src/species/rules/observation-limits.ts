import { isISO8601 } from 'class-validator';
import { Sex } from '../entities/sex.js';

/** An accepted numeric range; `unit` is how messages print it after the number. */
export interface ObservationRange {
  min: number;
  max: number;
  unit: string;
}

/**
 * What a user's sighting may hold: the limits `POST /api/v1/observations` validates (CreateObservationDto) and that
 * Jobs' observations kind checks staged rows against, written once here.
 */
export const OBSERVATION_RANGES = {
  latitude: { min: -90, max: 90, unit: '°' },
  longitude: { min: -180, max: 180, unit: '°' },
  depthMin: { min: 0, max: 11000, unit: ' m' },
  depthMax: { min: 0, max: 11000, unit: ' m' },
  bathymetry: { min: -11000, max: 11000, unit: ' m' },
  temperature: { min: -5, max: 50, unit: ' °C' },
  visibility: { min: 0, max: 1000, unit: ' m' },
} as const satisfies Record<string, ObservationRange>;

/** Longest accepted text, in characters. */
export const OBSERVATION_MAX_LENGTHS = {
  speciesName: 200,
  commonName: 200,
  locationName: 300,
  notes: 5000,
} as const;

/** The accepted values of `sex` (those of `Sex`), for checking text. */
export const OBSERVATION_SEXES: readonly string[] = Object.values(Sex);

/** `observationDatetime` is strict ISO 8601 (a date, or a date-time): no impossible day such as 30 February. */
export const OBSERVATION_DATETIME_FORMAT = { strict: true } as const;

export function isObservationDatetime(value: string): boolean {
  return isISO8601(value, OBSERVATION_DATETIME_FORMAT);
}

export function inObservationRange(value: number, range: ObservationRange): boolean {
  return value >= range.min && value <= range.max;
}

/** The shallowest depth may not lie below the deepest; either may be absent. */
export function isDepthRangeInverted(depthMin: number | undefined, depthMax: number | undefined): boolean {
  return depthMin !== undefined && depthMax !== undefined && depthMin > depthMax;
}
