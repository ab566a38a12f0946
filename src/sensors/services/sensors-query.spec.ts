import { rollupSegments } from './sensors-query.service.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('rollupSegments', () => {
  it('splits a window at minutes and hours: raw ends, minutes, whole hours', () => {
    const from = new Date('2026-12-01T10:17:42.500Z');
    const to = new Date('2026-12-01T14:03:05Z');
    expect(iso(rollupSegments(from, to, '1h'))).toEqual([
      '2026-12-01T10:17:42.500Z',
      '2026-12-01T10:18:00.000Z',
      '2026-12-01T11:00:00.000Z',
      '2026-12-01T14:00:00.000Z',
      '2026-12-01T14:03:00.000Z',
      '2026-12-01T14:03:05.000Z',
    ]);
  });

  it('uses no hourly rows for buckets finer than an hour, nor when no whole hour fits', () => {
    const from = new Date('2026-12-01T10:17:42Z');
    const to = new Date('2026-12-01T14:03:05Z');
    expect(iso(rollupSegments(from, to, '15m')).slice(2, 5)).toEqual([
      '2026-12-01T14:03:00.000Z',
      '2026-12-01T14:03:00.000Z',
      '2026-12-01T14:03:00.000Z',
    ]);
    const short = rollupSegments(new Date('2026-12-01T10:17:42Z'), new Date('2026-12-01T10:59:00Z'), '1d');
    expect(iso(short).slice(1, 5)).toEqual([
      '2026-12-01T10:18:00.000Z',
      '2026-12-01T10:59:00.000Z',
      '2026-12-01T10:59:00.000Z',
      '2026-12-01T10:59:00.000Z',
    ]);
  });

  it('reads only raw rows when the window holds no whole minute', () => {
    const from = new Date('2026-12-01T10:17:42Z');
    const to = new Date('2026-12-01T10:18:30Z');
    const s = rollupSegments(from, to, '1m');
    expect(s[0]).toEqual(from);
    expect(s.slice(1).every((d) => d.getTime() === to.getTime())).toBe(true);
  });
});
