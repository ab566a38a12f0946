import type { RowValues } from './job-kind.js';

/**
 * How an upload's cells are read before the kind's checks, per column (`types` of the upload): `text` as they are
 * (trimmed); `decimal_comma` for numbers written the European way (`1.234,5` -> `1234.5`, what a `;`-separated
 * Excel export holds); `date_dmy` for day-first dates (`31/12/2025 14:30` -> `2025-12-31T14:30:00`).
 */
export const VALUE_TYPES = ['text', 'decimal_comma', 'date_dmy'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

export function convertValue(value: string, type: ValueType): string {
  switch (type) {
    case 'text':
      return value;
    case 'decimal_comma':
      return /^[+-]?[\d.\s]*,?\d*$/.test(value) ? value.replace(/[.\s]/g, '').replace(',', '.') : value;
    case 'date_dmy': {
      const m = DMY.exec(value);
      if (!m) return value;
      const pad = (s: string | undefined) => (s ?? '0').padStart(2, '0');
      const date = `${m[3]}-${pad(m[2])}-${pad(m[1])}`;
      return m[4] === undefined ? date : `${date}T${pad(m[4])}:${pad(m[5])}:${pad(m[6])}`;
    }
  }
}

/** Applies the upload's type overrides to a row in place; a value a type cannot read is left for the checks. */
export function applyTypes(row: RowValues, types: Readonly<Record<string, ValueType>>): void {
  for (const [column, type] of Object.entries(types)) {
    const value = row[column];
    if (value !== null && value !== undefined) row[column] = convertValue(value, type);
  }
}
