import { parseReadingTimestamp, readingTimestampOutOfRange } from './sensors.rules.js';

describe('parseReadingTimestamp', () => {
  const at = '2026-01-01T10:00:00.000Z';

  it('reads epoch seconds, epoch milliseconds and ISO 8601, a date-time without a zone as UTC', () => {
    for (const input of [1767261600, 1767261600000, '2026-01-01T11:00:00+01:00', '2026-01-01 10:00:00'])
      expect((parseReadingTimestamp(input) as Date).toISOString()).toBe(at);
  });

  it('says why it refuses a value', () => {
    expect(parseReadingTimestamp('1767261600')).toMatch(/^must be epoch seconds/);
    expect(parseReadingTimestamp(Number.POSITIVE_INFINITY)).toMatch(/^must be epoch seconds/);
    expect(parseReadingTimestamp('2026-13-45T00:00:00Z')).toBe('is not a valid date');
  });
});

describe('readingTimestampOutOfRange', () => {
  const now = new Date('2026-01-01T12:00:00Z');

  it('refuses a time before 2000 or over a day ahead', () => {
    expect(readingTimestampOutOfRange(new Date('1999-12-31T23:59:59Z'), now)).toBe('is before the year 2000');
    expect(readingTimestampOutOfRange(new Date('2026-01-02T12:00:01Z'), now)).toBe(
      'is more than a day in the future',
    );
    expect(readingTimestampOutOfRange(new Date('2026-01-02T12:00:00Z'), now)).toBeNull();
  });
});
