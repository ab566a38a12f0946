import {
  MAX_UNIT_CHARS,
  NAME_PATTERN,
  NAME_RULE,
  ORIGINS,
  parseReadingTimestamp,
  readingTimestampOutOfRange,
  SOURCE_PROTOCOLS,
} from '../../sensors/index.js';
import type { RowProblem } from '../entities/staging-row.entity.js';
import { missingRequired, RowValues } from './job-kind.js';

/**
 * The rows of a `sensor_readings` file: columns and row checks, pure (the kind adds the loader). The field rules
 * are Sensors' own (`sensors/sensors.rules.ts`); what is CSV's is reading them from text.
 */

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const SENSOR_READING_COLUMNS = [
  {
    name: 'timestamp',
    aliases: ['ts', 'time', 'datetime', 'date_time', 'reading_time', 'measured_at'],
    required: true,
    description: 'Epoch seconds or milliseconds, or ISO 8601 (UTC when no zone is given)',
  },
  {
    name: 'sensor_type',
    aliases: ['type', 'sensortype', 'measurement', 'metric'],
    required: true,
    description: `e.g. temperature, humidity (${NAME_RULE})`,
  },
  {
    name: 'sensor_id',
    aliases: ['sensor', 'sensorid', 'device', 'device_id', 'deviceid'],
    required: true,
    description: `Sensor identifier (${NAME_RULE})`,
  },
  {
    name: 'value',
    aliases: ['reading', 'val', 'measurement_value'],
    required: true,
    description: 'A finite number',
  },
  {
    name: 'unit',
    aliases: ['units', 'uom'],
    required: false,
    description: `At most ${MAX_UNIT_CHARS} characters`,
  },
  {
    name: 'origin',
    aliases: ['tier', 'layer'],
    required: false,
    description: `${ORIGINS.join(', ')} (default unknown)`,
  },
  {
    name: 'source_protocol',
    aliases: ['protocol', 'sourceprotocol'],
    required: false,
    description: `${SOURCE_PROTOCOLS.join(', ')} (default http)`,
  },
] as const;

/**
 * A CSV timestamp as Sensors reads one: epoch seconds or milliseconds (numeric text), or an ISO 8601 date-time (a
 * date-time without a zone is taken as UTC). Returns the reason when it is not one.
 */
export function parseReadingTime(text: string): Date | string {
  return parseReadingTimestamp(NUMBER.test(text) ? Number(text) : text);
}

/** The problems of one row, with the rules of Sensors' ingestion (which refuses such a reading). */
export function sensorReadingProblems(row: RowValues): RowProblem[] {
  const problems = missingRequired({ columns: SENSOR_READING_COLUMNS }, row);
  const problem = (type: string, field: string, message: string) =>
    problems.push({ type, field, message: `${field} ${message}`, value: row[field] });
  const ts = row.timestamp;
  if (ts !== null) {
    const date = parseReadingTime(ts);
    const outOfRange = date instanceof Date && readingTimestampOutOfRange(date, new Date());
    if (typeof date === 'string') problem('INVALID_TIMESTAMP', 'timestamp', date);
    else if (outOfRange) problem('TIMESTAMP_OUT_OF_RANGE', 'timestamp', outOfRange);
  }
  for (const field of ['sensor_type', 'sensor_id']) {
    const name = row[field];
    if (name !== null && !NAME_PATTERN.test(name)) problem('INVALID_NAME', field, `must be ${NAME_RULE}`);
  }
  if (row.value !== null && !(NUMBER.test(row.value) && Number.isFinite(Number(row.value))))
    problem('INVALID_NUMBER', 'value', 'must be a finite number');
  if (row.unit !== null && row.unit.length > MAX_UNIT_CHARS)
    problem('INVALID_UNIT', 'unit', `must be at most ${MAX_UNIT_CHARS} characters`);
  if (row.origin !== null && !(ORIGINS as readonly string[]).includes(row.origin.toLowerCase()))
    problem('UNKNOWN_ORIGIN', 'origin', `must be one of ${ORIGINS.join(', ')}`);
  if (
    row.source_protocol !== null &&
    !(SOURCE_PROTOCOLS as readonly string[]).includes(row.source_protocol.toLowerCase())
  )
    problem('UNKNOWN_PROTOCOL', 'source_protocol', `must be one of ${SOURCE_PROTOCOLS.join(', ')}`);
  return problems;
}
