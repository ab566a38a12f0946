import { applyTypes, convertValue } from './value-types.js';

describe('value types', () => {
  it.each([
    ['1.234,5', '1234.5'],
    ['-0,25', '-0.25'],
    ['12', '12'],
    ['1 000,5', '1000.5'],
    ['abc', 'abc'],
  ])('decimal_comma reads %s as %s', (value, expected) => {
    expect(convertValue(value, 'decimal_comma')).toBe(expected);
  });

  it.each([
    ['31/12/2025', '2025-12-31'],
    ['1.2.2026 7:05', '2026-02-01T07:05:00'],
    ['01-02-2026 10:11:12', '2026-02-01T10:11:12'],
    ['2026-02-01', '2026-02-01'],
  ])('date_dmy reads %s as %s', (value, expected) => {
    expect(convertValue(value, 'date_dmy')).toBe(expected);
  });

  it('converts only the overridden columns and leaves nulls', () => {
    const row = { value: '3,5', unit: '1,5', timestamp: null };
    applyTypes(row, { value: 'decimal_comma', timestamp: 'date_dmy' });
    expect(row).toEqual({ value: '3.5', unit: '1,5', timestamp: null });
  });
});
