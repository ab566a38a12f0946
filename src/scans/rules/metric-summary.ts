/** Daily values of one metric of one resource over a rule's lookback window, as Azure Monitor or Cloud Monitoring answered. */
export interface MetricSummary {
  /** Days that had a value. */
  points: number;
  mean: number;
  sum: number;
  max: number;
}

export function summarise(values: number[]): MetricSummary {
  const sum = values.reduce((s, v) => s + v, 0);
  return {
    points: values.length,
    mean: values.length ? sum / values.length : 0,
    sum,
    max: values.length ? Math.max(...values) : 0,
  };
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export const GIB = 1024 ** 3;
