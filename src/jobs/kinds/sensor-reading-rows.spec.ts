import { mapHeader, RowValues } from './job-kind.js';
import { parseReadingTime, SENSOR_READING_COLUMNS, sensorReadingProblems } from './sensor-reading-rows.js';

const kind = { columns: SENSOR_READING_COLUMNS, validateRow: sensorReadingProblems };

const row = (changes: Partial<RowValues> = {}): RowValues => ({
  timestamp: '2026-01-01T10:00:00Z',
  sensor_type: 'temperature',
  sensor_id: 'greenhouse-1',
  value: '21.5',
  unit: null,
  origin: null,
  source_protocol: null,
  ...changes,
});

describe('parseReadingTime', () => {
  it('reads epoch seconds, epoch milliseconds and ISO 8601 (UTC without a zone)', () => {
    const at = '2026-01-01T10:00:00.000Z';
    expect((parseReadingTime('1767261600') as Date).toISOString()).toBe(at);
    expect((parseReadingTime('1767261600000') as Date).toISOString()).toBe(at);
    expect((parseReadingTime('2026-01-01T11:00:00+01:00') as Date).toISOString()).toBe(at);
    expect((parseReadingTime('2026-01-01 10:00:00') as Date).toISOString()).toBe(at);
    expect((parseReadingTime('2026-01-01') as Date).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('says why it refuses a value', () => {
    expect(parseReadingTime('yesterday')).toMatch(/epoch seconds/);
    expect(parseReadingTime('2026-13-45T99:00:00Z')).toBe('is not a valid date');
  });
});

describe('sensor_readings rows', () => {
  it('maps the usual header spellings', () => {
    const { missing, ignored } = mapHeader(kind, ['TS', 'Type', 'Sensor ID', 'Reading', 'Units', 'Protocol']);
    expect(missing).toEqual([]);
    expect(ignored).toEqual([]);
  });

  it('accepts a complete row, with origin and protocol in any case', () => {
    expect(kind.validateRow(row({ origin: 'EDGE', source_protocol: 'CoAP', unit: '°C' }))).toEqual([]);
  });

  it.each([
    [{ value: null }, 'MISSING_REQUIRED_FIELD', 'value'],
    [{ timestamp: 'soon' }, 'INVALID_TIMESTAMP', 'timestamp'],
    [{ timestamp: '1999-12-31T23:59:59Z' }, 'TIMESTAMP_OUT_OF_RANGE', 'timestamp'],
    [{ timestamp: String(Math.floor(Date.now() / 1000) + 2 * 86400) }, 'TIMESTAMP_OUT_OF_RANGE', 'timestamp'],
    [{ value: 'Infinity' }, 'INVALID_NUMBER', 'value'],
    [{ value: '0x10' }, 'INVALID_NUMBER', 'value'],
    [{ value: '1e999' }, 'INVALID_NUMBER', 'value'],
    [{ sensor_id: 'a b' }, 'INVALID_NAME', 'sensor_id'],
    [{ sensor_type: 'x'.repeat(101) }, 'INVALID_NAME', 'sensor_type'],
    [{ unit: 'u'.repeat(33) }, 'INVALID_UNIT', 'unit'],
    [{ origin: 'space' }, 'UNKNOWN_ORIGIN', 'origin'],
    [{ source_protocol: 'ftp' }, 'UNKNOWN_PROTOCOL', 'source_protocol'],
  ])('reports %j as %s on %s', (changes, type, field) => {
    expect(kind.validateRow(row(changes)).map((p) => [p.type, p.field])).toEqual([[type, field]]);
  });
});
