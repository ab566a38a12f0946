import { compareWeather } from './weather-comparison.js';

const external = { temperature: 18.2, humidity: 72, pressure: 1015 };

describe('compareWeather', () => {
  it('gives local minus external and no alert within the limits', () => {
    const result = compareWeather({ temperature: 20, humidity: 60, pressure: 1010 }, external);
    expect(result.differences).toEqual({ temperature: 1.8, humidity: -12, pressure: -5 });
    expect(result.alerts).toEqual([]);
  });

  it('raises warnings and criticals at the documented limits', () => {
    const result = compareWeather({ temperature: 29, humidity: 40, pressure: 1030 }, external);
    expect(result.alerts.map((a) => [a.metric, a.severity])).toEqual([
      ['temperature', 'critical'],
      ['humidity', 'critical'],
      ['pressure', 'warning'],
    ]);
    const warnings = compareWeather({ temperature: 12, humidity: 50, pressure: 1015 }, external);
    expect(warnings.alerts.map((a) => [a.metric, a.severity])).toEqual([
      ['temperature', 'warning'],
      ['humidity', 'warning'],
    ]);
  });

  it('pressure never goes beyond a warning, and a metric without local data is null', () => {
    const result = compareWeather({ temperature: null, humidity: null, pressure: 900 }, external);
    expect(result.differences).toEqual({ temperature: null, humidity: null, pressure: -115 });
    expect(result.alerts).toEqual([expect.objectContaining({ metric: 'pressure', severity: 'warning' })]);
  });
});
