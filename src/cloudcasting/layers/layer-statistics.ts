/** Percentiles kept for each layer: enough for a default stretch (2-98, like titiler's) and a histogram view. */
export const STATISTICS_PERCENTILES = [2, 5, 25, 50, 75, 95, 98] as const;

/** One layer's values, computed at conversion and kept in the set's manifest. Null fields: no valid value. */
export interface LayerStatistics {
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  /** `p2`, `p5`, ... `p98`: nearest-rank percentiles of the valid values. */
  percentiles: Record<string, number | null>;
  valid_count: number;
  valid_percent: number;
}

/** Statistics of the non-NaN values of one layer (NaN is the layers' nodata). */
export function layerStatistics(values: Float32Array): LayerStatistics {
  const valid = new Float32Array(values.length);
  let count = 0;
  let sum = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    valid[count++] = v;
    sum += v;
  }
  const sorted = valid.subarray(0, count).sort();
  const mean = count > 0 ? sum / count : null;
  let squares = 0;
  if (mean !== null) for (const v of sorted) squares += (v - mean) * (v - mean);
  const percentiles: Record<string, number | null> = {};
  for (const p of STATISTICS_PERCENTILES)
    percentiles[`p${p}`] = count > 0 ? sorted[Math.min(count - 1, Math.ceil((p / 100) * count) - 1)] : null;
  return {
    min: count > 0 ? sorted[0] : null,
    max: count > 0 ? sorted[count - 1] : null,
    mean,
    std: mean !== null ? Math.sqrt(squares / count) : null,
    percentiles,
    valid_count: count,
    valid_percent: values.length > 0 ? Math.round((count / values.length) * 10_000) / 100 : 0,
  };
}
