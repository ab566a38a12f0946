/** A simulated device: a random walk around a realistic level, with an occasional anomalous spike. */
interface Profile {
  type: string;
  unit: string;
  base: number;
  spread: number;
  step: number;
  /** An anomalous value: far outside the type's normal range. */
  spike: (base: number) => number;
}

const PROFILES: Profile[] = [
  { type: 'temperature', unit: '°C', base: 24, spread: 4, step: 0.3, spike: (b) => b + 15 },
  { type: 'humidity', unit: '%', base: 55, spread: 12, step: 1, spike: (b) => b + 40 },
  { type: 'luminosity', unit: 'lux', base: 800, spread: 300, step: 30, spike: () => 2800 },
  { type: 'pressure', unit: 'hPa', base: 1013, spread: 6, step: 0.2, spike: (b) => b - 40 },
];
const ORIGINS = ['edge', 'fog', 'cloud'] as const;

export interface SimulatedReading {
  topic: string;
  payload: {
    ts: number;
    value: number;
    unit: string;
    type: string;
    sensor_id: string;
    origin: string;
    source_protocol: 'mqtt';
    anomaly: boolean;
  };
}

/** Generates readings for `count` sensors spread over the profiles; deterministic given `random`. */
export class ReadingSimulator {
  private readonly sensors: Array<{
    id: string;
    profile: Profile;
    value: number;
    lastTs: number;
    origin: string;
  }>;
  private next = 0;
  anomalies = 0;

  constructor(
    count: number,
    prefix: string,
    private readonly anomalyRate = 0.01,
    private readonly random: () => number = Math.random,
  ) {
    this.sensors = Array.from({ length: count }, (_, i) => {
      const profile = PROFILES[i % PROFILES.length];
      return {
        id: `${prefix}-${profile.type}-${i}`,
        profile,
        value: profile.base + (this.random() - 0.5) * profile.spread,
        lastTs: 0,
        origin: ORIGINS[i % ORIGINS.length],
      };
    });
  }

  get sensorIds(): string[] {
    return this.sensors.map((s) => s.id);
  }

  /** The next reading, sensors in turn; timestamps strictly increase per sensor (they are part of its key). */
  reading(now = Date.now()): SimulatedReading {
    const s = this.sensors[this.next];
    this.next = (this.next + 1) % this.sensors.length;
    const p = s.profile;
    // Mean-reverting walk: stays within the normal band.
    s.value += (this.random() - 0.5) * 2 * p.step + (p.base - s.value) * 0.05;
    const anomalous = this.random() < this.anomalyRate;
    if (anomalous) this.anomalies += 1;
    const value = Math.round((anomalous ? p.spike(p.base) : s.value) * 100) / 100;
    s.lastTs = Math.max(now, s.lastTs + 1);
    return {
      topic: `sensors/${p.type}/${s.id}`,
      payload: {
        ts: s.lastTs,
        value,
        unit: p.unit,
        type: p.type,
        sensor_id: s.id,
        origin: s.origin,
        source_protocol: 'mqtt',
        anomaly: anomalous,
      },
    };
  }
}
