/**
 * What Sensors accepts in a reading, whatever carries it: MQTT and HTTP payloads (`reading.ts`) and the Jobs
 * module's CSV rows (`jobs/kinds/sensor-reading-rows.ts`) check their fields with these, so the rules live here
 * once; the callers word their messages around the reasons returned. This file imports nothing, so pure code and
 * unit specs elsewhere can load it without the module's Nest graph (ESLint lets other modules import it).
 */

export const ORIGINS = ['edge', 'fog', 'cloud', 'unknown'] as const;
export type Origin = (typeof ORIGINS)[number];
export const SOURCE_PROTOCOLS = ['mqtt', 'http', 'coap'] as const;
export type SourceProtocol = (typeof SOURCE_PROTOCOLS)[number];

/** Sensor ids and types become MQTT topic levels and Socket.IO room names: keep them plain. */
export const NAME_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
/** `NAME_PATTERN` in words, for messages. */
export const NAME_RULE = '1-100 letters, digits or . _ : -';
export const MAX_UNIT_CHARS = 32;

const MAX_FUTURE_MS = 24 * 3600_000;
const EARLIEST_YEAR = 2000;

/**
 * A reading's time: epoch seconds or milliseconds (a number), or an ISO 8601 date-time (a date-time without a
 * zone is UTC). Returns the reason, worded to follow the field's name, when it is not one.
 */
export function parseReadingTimestamp(input: unknown): Date | string {
  let date: Date;
  if (typeof input === 'number' && Number.isFinite(input)) {
    // Below 1e11 an epoch can only be seconds (1e11 ms is 1973, 1e11 s is year 5138).
    date = new Date(input < 1e11 ? input * 1000 : input);
  } else if (typeof input === 'string' && /^\d{4}-\d{2}-\d{2}/.test(input)) {
    const iso = input.replace(' ', 'T');
    const zoned = /T.*([zZ]|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes('T');
    date = new Date(zoned ? iso : `${iso}Z`);
  } else {
    return 'must be epoch seconds, epoch milliseconds or an ISO 8601 date-time';
  }
  return Number.isNaN(date.getTime()) ? 'is not a valid date' : date;
}

/** Why a reading's time cannot be stored (before 2000, or over a day after `now`), or null when it can. */
export function readingTimestampOutOfRange(date: Date, now: Date): string | null {
  if (date.getUTCFullYear() < EARLIEST_YEAR) return `is before the year ${EARLIEST_YEAR}`;
  if (date.getTime() - now.getTime() > MAX_FUTURE_MS) return 'is more than a day in the future';
  return null;
}
