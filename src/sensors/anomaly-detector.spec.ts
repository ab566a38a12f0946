import { DEFAULT_THRESHOLDS, detectAnomaly, parseThresholdOverrides } from './anomaly-detector.js';

const temperature = DEFAULT_THRESHOLDS.temperature;

describe('detectAnomaly', () => {
  it('accepts a value inside the range with a small step', () => {
    expect(detectAnomaly(25, 24, temperature)).toEqual({ anomaly: false, severity: null, message: null });
  });

  it('accepts the bounds themselves', () => {
    expect(detectAnomaly(18, undefined, temperature).anomaly).toBe(false);
    expect(detectAnomaly(32, undefined, temperature).anomaly).toBe(false);
  });

  it('flags a value above the range, as a warning when close and critical when far', () => {
    const near = detectAnomaly(33, undefined, temperature);
    expect(near).toMatchObject({ anomaly: true, severity: 'warning' });
    expect(near.message).toMatch(/above the normal range \[18, 32\]/);
    expect(detectAnomaly(40, undefined, temperature).severity).toBe('critical');
    expect(detectAnomaly(10, undefined, temperature)).toMatchObject({ anomaly: true, severity: 'critical' });
    expect(detectAnomaly(17, undefined, temperature).message).toMatch(/below/);
  });

  it('flags a jump larger than the limit from the previous value, in both directions', () => {
    const up = detectAnomaly(30, 24, temperature);
    expect(up).toMatchObject({ anomaly: true, severity: 'warning' });
    expect(up.message).toBe('jumped 6 from 24 (limit 5)');
    expect(detectAnomaly(20, 26, temperature).anomaly).toBe(true);
    expect(detectAnomaly(29, 24, temperature).anomaly).toBe(false);
  });

  it('reports both reasons together', () => {
    const both = detectAnomaly(45, 25, temperature);
    expect(both.severity).toBe('critical');
    expect(both.message).toMatch(/above .*; jumped 20 from 25/);
  });

  it('has no opinion on types without thresholds, and honours one-sided ones', () => {
    expect(detectAnomaly(1e9, 0, undefined).anomaly).toBe(false);
    const onlyMax = { min: null, max: 10, jump: null };
    expect(detectAnomaly(-1e6, 5, onlyMax).anomaly).toBe(false);
    expect(detectAnomaly(11, 5, onlyMax)).toMatchObject({ anomaly: true, severity: 'warning' });
  });

  it('uses the humidity and luminosity defaults of the issue', () => {
    expect(detectAnomaly(85, undefined, DEFAULT_THRESHOLDS.humidity).anomaly).toBe(true);
    expect(detectAnomaly(60, 40, DEFAULT_THRESHOLDS.humidity).anomaly).toBe(true);
    expect(detectAnomaly(1500, 900, DEFAULT_THRESHOLDS.luminosity).anomaly).toBe(true);
    expect(detectAnomaly(50, undefined, DEFAULT_THRESHOLDS.luminosity).anomaly).toBe(true);
  });
});

describe('parseThresholdOverrides', () => {
  it('reads per-type thresholds, missing bounds meaning none', () => {
    expect(parseThresholdOverrides('{"pressure":{"min":950,"max":1050}}')).toEqual({
      pressure: { min: 950, max: 1050, jump: null },
    });
    expect(parseThresholdOverrides(undefined)).toEqual({});
  });

  it('names the bad entry', () => {
    expect(() => parseThresholdOverrides('{"pressure":{"min":"low"}}')).toThrow(/pressure\.min/);
    expect(() => parseThresholdOverrides('[1]')).toThrow(/JSON object/);
  });
});
