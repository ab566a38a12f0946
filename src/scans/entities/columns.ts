import type { ValueTransformer } from 'typeorm';

/** PostgreSQL numeric arrives as a string; money and prices are plain numbers in the application. */
export const numeric: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
