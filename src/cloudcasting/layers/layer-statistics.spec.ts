import { layerStatistics } from './layer-statistics.js';

describe('layerStatistics', () => {
  it('ignores NaN and gives nearest-rank percentiles', () => {
    const values = Float32Array.from({ length: 100 }, (_, i) => i + 1);
    const withNodata = new Float32Array(200).fill(NaN);
    withNodata.set(values.reverse(), 50);
    const stats = layerStatistics(withNodata);
    expect(stats).toMatchObject({ min: 1, max: 100, mean: 50.5, valid_count: 100, valid_percent: 50 });
    expect(stats.percentiles).toEqual({ p2: 2, p5: 5, p25: 25, p50: 50, p75: 75, p95: 95, p98: 98 });
    expect(stats.std).toBeCloseTo(28.866, 3);
  });

  it('gives nulls for a layer without data', () => {
    const stats = layerStatistics(new Float32Array(4).fill(NaN));
    expect(stats).toMatchObject({ min: null, max: null, mean: null, std: null, valid_count: 0 });
    expect(stats.percentiles.p50).toBeNull();
  });
});
