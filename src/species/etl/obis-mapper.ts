import { Sex } from '../entities/sex.js';
import type { ObisRecord } from './obis-record.js';

/** A record ready for the upsert; `commonName` may still be filled from WoRMS. */
export interface MappedObservation {
  obisId: string;
  speciesName: string;
  commonName: string | null;
  aphiaId: number | null;
  /** `YYYY-MM-DD` as recorded (the observer's local day). */
  observationDate: string | null;
  /** ISO instant, when the record has a time of day. */
  observationDatetime: string | null;
  longitude: number;
  latitude: number;
  locationName: string | null;
  basisOfRecord: string | null;
  depthMin: number | null;
  depthMax: number | null;
  bathymetry: number | null;
  temperature: number | null;
  sex: Sex | null;
  datasetName: string | null;
  raw: ObisRecord;
}

export type SkipReason = 'missing_id' | 'missing_coordinates' | 'coordinates_out_of_range';

export type MapResult = { ok: true; value: MappedObservation } | { ok: false; reason: SkipReason };

export const UNKNOWN_SPECIES = 'Unknown species';

/** OBIS record -> row of `curated_observations`. Pure: no I/O, no clock. */
export function mapObisRecord(record: ObisRecord): MapResult {
  if (typeof record.id !== 'string' || record.id.length === 0) return { ok: false, reason: 'missing_id' };
  const longitude = toNumber(record.decimalLongitude);
  const latitude = toNumber(record.decimalLatitude);
  if (longitude === null || latitude === null) return { ok: false, reason: 'missing_coordinates' };
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
    return { ok: false, reason: 'coordinates_out_of_range' };

  const when = parseEventDate(record.eventDate) ?? fromEpoch(record.date_start) ?? fromEpoch(record.date_mid);
  const minDepth = toNumber(record.minimumDepthInMeters);
  const maxDepth = toNumber(record.maximumDepthInMeters);
  const depth = toNumber(record.depth);

  return {
    ok: true,
    value: {
      obisId: record.id,
      speciesName: text(record.scientificName) ?? UNKNOWN_SPECIES,
      commonName: text(record.vernacularName),
      aphiaId: toInteger(record.aphiaID),
      observationDate: when?.date ?? null,
      observationDatetime: when?.datetime ?? null,
      longitude,
      latitude,
      locationName: text(record.locality),
      basisOfRecord: text(record.basisOfRecord),
      depthMin: minDepth ?? maxDepth ?? depth,
      depthMax: maxDepth ?? minDepth ?? depth,
      bathymetry: toNumber(record.bathymetry),
      temperature: toNumber(record.sst),
      sex: toSex(record.sex),
      datasetName: text(record.datasetName),
      raw: record,
    },
  };
}

export interface EventTime {
  date: string;
  datetime: string | null;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Darwin Core `eventDate`: a date (`2007-09-06`, `1954-07`, `1997`), a date-time with or without a zone
 * (`2013-07-10T12:59:00-0300`, `2013-06-23 23:05:13`, `1972-04-21 22:40:00+01`) or an interval
 * (`1998-07-21/1998-07-22`), whose start is taken. A time without a zone is read as UTC. Undefined when unparseable.
 */
export function parseEventDate(value: unknown): EventTime | undefined {
  if (typeof value !== 'string') return undefined;
  const start = value.trim().split('/')[0]?.trim() ?? '';
  const date = DATE.exec(start);
  if (date) {
    const [, y, m = '01', d = '01'] = date;
    return validDate(y, m, d) ? { date: `${y}-${m}-${d}`, datetime: null } : undefined;
  }
  const dt = DATETIME.exec(start);
  if (!dt) return undefined;
  const [, y, mo, d, h, mi, s = '00', frac, zone] = dt;
  if (!validDate(y, mo, d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const ms = frac ? `.${frac.padEnd(3, '0').slice(0, 3)}` : '';
  const instant = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${normaliseZone(zone)}`);
  if (Number.isNaN(instant.getTime())) return undefined;
  return { date: `${y}-${mo}-${d}`, datetime: instant.toISOString() };
}

function normaliseZone(zone: string | undefined): string {
  if (!zone || zone === 'Z') return 'Z';
  const sign = zone[0];
  const digits = zone.slice(1).replace(':', '');
  return `${sign}${digits.slice(0, 2)}:${digits.slice(2, 4).padEnd(2, '0')}`;
}

function validDate(y: string, m: string, d: string): boolean {
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
}

/** OBIS's `date_start`/`date_mid`: epoch milliseconds of a day (no time of day). */
function fromEpoch(value: unknown): EventTime | undefined {
  const ms = toNumber(value);
  if (ms === null) return undefined;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  return { date: date.toISOString().slice(0, 10), datetime: null };
}

function toSex(value: unknown): Sex | null {
  const s = text(value)?.toLowerCase();
  if (s === undefined || s === null) return null;
  if (s === 'male' || s === 'm') return Sex.MALE;
  if (s === 'female' || s === 'f') return Sex.FEMALE;
  return Sex.UNKNOWN;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : null;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function toInteger(value: unknown): number | null {
  const n = toNumber(value);
  return n !== null && Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : null;
}
