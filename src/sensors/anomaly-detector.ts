/** Normal behaviour of one sensor type (or one sensor): a range and the largest plausible step between readings. */
export interface Thresholds {
  min: number | null;
  max: number | null;
  jump: number | null;
}

export type Severity = 'warning' | 'critical';

export interface AnomalyVerdict {
  anomaly: boolean;
  severity: Severity | null;
  /** Human-readable reasons, joined into the alert message. */
  message: string | null;
}

/** Built-in thresholds; other types have none until configured (SENSORS_THRESHOLDS or the API). */
export const DEFAULT_THRESHOLDS: Readonly<Record<string, Thresholds>> = {
  temperature: { min: 18, max: 32, jump: 5 },
  humidity: { min: 30, max: 80, jump: 15 },
  luminosity: { min: 100, max: 2000, jump: 500 },
};

/** How far outside the range (as a share of the range's width) turns a warning into a critical alert. */
const CRITICAL_SHARE_OF_RANGE = 0.25;

const NORMAL: AnomalyVerdict = { anomaly: false, severity: null, message: null };

/**
 * Judges one reading against its thresholds and the sensor's previous value. Pure: the caller owns the state
 * (previous values, configured thresholds), so this is testable on its own and the same for MQTT, HTTP and bulk
 * loads.
 */
export function detectAnomaly(
  value: number,
  previous: number | undefined,
  thresholds: Thresholds | undefined,
): AnomalyVerdict {
  if (!thresholds) return NORMAL;
  const reasons: string[] = [];
  let severity: Severity | null = null;
  const { min, max, jump } = thresholds;
  const excess = min !== null && value < min ? min - value : max !== null && value > max ? value - max : 0;
  if (excess > 0) {
    reasons.push(
      `value ${value} is ${value < (min ?? value) ? 'below' : 'above'} the normal range ${range(thresholds)}`,
    );
    const width = min !== null && max !== null ? max - min : null;
    severity =
      width !== null && width > 0 && excess > width * CRITICAL_SHARE_OF_RANGE ? 'critical' : 'warning';
  }
  if (jump !== null && previous !== undefined && Math.abs(value - previous) > jump) {
    reasons.push(`jumped ${round(value - previous)} from ${previous} (limit ${jump})`);
    severity ??= 'warning';
  }
  return reasons.length ? { anomaly: true, severity, message: reasons.join('; ') } : NORMAL;
}

function range(t: Thresholds): string {
  return `[${t.min ?? '-inf'}, ${t.max ?? '+inf'}]`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Parses `SENSORS_THRESHOLDS` (`{"pressure": {"min": 950, "max": 1050, "jump": 10}}`); missing bounds mean none.
 * Throws a message naming the bad entry.
 */
export function parseThresholdOverrides(json: string | undefined): Record<string, Thresholds> {
  if (!json) return {};
  const parsed = JSON.parse(json) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('SENSORS_THRESHOLDS must be a JSON object keyed by sensor type');
  const result: Record<string, Thresholds> = {};
  for (const [type, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    const pick = (k: string): number | null => {
      const v = e[k];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new Error(`SENSORS_THRESHOLDS.${type}.${k} must be a finite number`);
      return v;
    };
    result[type] = { min: pick('min'), max: pick('max'), jump: pick('jump') };
  }
  return result;
}
