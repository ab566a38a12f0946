import type { RuleParameter } from './catalog.js';

/** Parameters shared by the Azure, GCP and Microsoft 365 rules. */
export const integer = (
  name: string,
  description: string,
  min: number,
  max: number,
  value: number,
): RuleParameter => ({
  name,
  description,
  type: 'integer',
  min,
  max,
  default: value,
});

export const minAgeDays = (days: number, what: string) =>
  integer('min_age_days', `Only report ${what} at least this many days old`, 0, 3650, days);

export const minStoppedDays = (days: number, what: string) =>
  integer('min_stopped_days', `Only report ${what} stopped for at least this many days`, 0, 3650, days);

export const lookbackDays = (days: number, what: string, max = 93) =>
  integer('lookback_days', `How many days of ${what} are read`, 1, max, days);

export const maxCpuPercent = (percent: number): RuleParameter => ({
  name: 'max_cpu_percent',
  description: 'Report when the daily average CPU stayed below this percentage on every day of the lookback',
  type: 'number',
  min: 0,
  max: 100,
  default: percent,
});

export const maxCount = (name: string, what: string, value: number) =>
  integer(name, `Report when ${what} over the lookback is at most this`, 0, 1_000_000_000, value);

export const maxTrafficMb = (mb: number): RuleParameter => ({
  name: 'max_traffic_mb',
  description: 'Report when the traffic over the lookback period is below this many MB',
  type: 'number',
  min: 0,
  max: 1_000_000,
  default: mb,
});
