import type { Severity } from '../anomaly-detector.js';

export type Metric = 'temperature' | 'humidity' | 'pressure';
export const METRICS: Metric[] = ['temperature', 'humidity', 'pressure'];

export interface ComparisonAlert {
  metric: Metric;
  difference: number;
  severity: Severity;
  message: string;
}

/** Absolute difference above which local and official weather disagree: [warning, critical]. */
const LIMITS: Record<Metric, { warning: number; critical: number | null; unit: string }> = {
  temperature: { warning: 5, critical: 10, unit: '°C' },
  humidity: { warning: 20, critical: 30, unit: '%' },
  pressure: { warning: 10, critical: null, unit: 'hPa' },
};

/**
 * Differences local minus external per metric (null when there is no local reading), and an alert for each one
 * beyond its limit. Pure.
 */
export function compareWeather(
  local: Record<Metric, number | null>,
  external: Record<Metric, number>,
): { differences: Record<Metric, number | null>; alerts: ComparisonAlert[] } {
  const differences = {} as Record<Metric, number | null>;
  const alerts: ComparisonAlert[] = [];
  for (const metric of METRICS) {
    const mine = local[metric];
    const difference = mine === null ? null : Math.round((mine - external[metric]) * 100) / 100;
    differences[metric] = difference;
    if (difference === null) continue;
    const limit = LIMITS[metric];
    const gap = Math.abs(difference);
    const severity: Severity | null =
      limit.critical !== null && gap > limit.critical ? 'critical' : gap > limit.warning ? 'warning' : null;
    if (severity)
      alerts.push({
        metric,
        difference,
        severity,
        message: `Local ${metric} differs from the official value by ${difference} ${limit.unit}`,
      });
  }
  return { differences, alerts };
}
