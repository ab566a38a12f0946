export const ORIGINS = ['edge', 'fog', 'cloud', 'unknown'] as const;
export type Origin = (typeof ORIGINS)[number];
export const SOURCE_PROTOCOLS = ['mqtt', 'http', 'coap'] as const;
export type SourceProtocol = (typeof SOURCE_PROTOCOLS)[number];

/** A reading that passed validation, ready to be judged and stored. */
export interface ValidReading {
  timestamp: Date;
  sensorType: string;
  sensorId: string;
  value: number;
  unit: string | null;
  origin: Origin;
  sourceProtocol: SourceProtocol;
  /** The device's own `anomaly` flag, kept beside the server's verdict. */
  reportedAnomaly: boolean | null;
  raw: Record<string, unknown>;
  /** `raw` as JSON text (the payload as received, for MQTT): stored as is, without serialising again. */
  rawJson: string;
}

export type ParseResult = { ok: true; reading: ValidReading } | { ok: false; reason: string };

/** Sensor ids and types become MQTT topic levels and Socket.IO room names: keep them plain. */
export const NAME_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
const MAX_FUTURE_MS = 24 * 3600_000;
const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface ParseContext {
  /** From the topic `sensors/{type}/{id}`, used when the payload lacks them. */
  sensorType?: string;
  sensorId?: string;
  defaultProtocol: SourceProtocol;
  receivedAt: Date;
}

/**
 * Validates one reading payload (`{"ts" or "timestamp", "value", "unit", "type", "sensor_id", "origin",
 * "source_protocol", "anomaly"}`) and says why when it is refused. Pure, shared by MQTT, HTTP and bulk loads.
 */
export function parseReading(payload: unknown, ctx: ParseContext, rawJson?: string): ParseResult {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    return fail('payload is not a JSON object');
  const p = payload as Record<string, unknown>;
  const text = rawJson ?? JSON.stringify(p);
  // PostgreSQL's jsonb refuses NUL characters; such a row would fail its whole batch.
  if (text.includes('\\u0000')) return fail('payload contains a NUL character');

  const sensorType = p.type ?? ctx.sensorType;
  if (typeof sensorType !== 'string' || !NAME_PATTERN.test(sensorType))
    return fail('type must be 1-100 letters, digits or . _ : -');
  const sensorId = p.sensor_id ?? ctx.sensorId;
  if (typeof sensorId !== 'string' || !NAME_PATTERN.test(sensorId))
    return fail('sensor_id must be 1-100 letters, digits or . _ : -');

  if (typeof p.value !== 'number' || !Number.isFinite(p.value)) return fail('value must be a finite number');

  const timestamp = parseTimestamp(p.ts ?? p.timestamp, ctx.receivedAt);
  if (typeof timestamp === 'string') return fail(timestamp);

  if (p.unit !== undefined && p.unit !== null && (typeof p.unit !== 'string' || p.unit.length > 32))
    return fail('unit must be a string of at most 32 characters');
  const origin = p.origin ?? 'unknown';
  if (!ORIGINS.includes(origin as Origin)) return fail('origin must be edge, fog or cloud');
  const sourceProtocol = p.source_protocol ?? ctx.defaultProtocol;
  if (!SOURCE_PROTOCOLS.includes(sourceProtocol as SourceProtocol))
    return fail('source_protocol must be mqtt, http or coap');
  if (p.anomaly !== undefined && p.anomaly !== null && typeof p.anomaly !== 'boolean')
    return fail('anomaly must be a boolean');

  return {
    ok: true,
    reading: {
      timestamp,
      sensorType: sensorType.toLowerCase(),
      sensorId,
      value: p.value,
      unit: (p.unit as string | undefined) ?? null,
      origin: origin as Origin,
      sourceProtocol: sourceProtocol as SourceProtocol,
      reportedAnomaly: (p.anomaly as boolean | undefined) ?? null,
      raw: p,
      rawJson: text,
    },
  };
}

/** `sensors/{type}/{id}` with a JSON payload. */
export function parseMqttReading(topic: string, payload: Buffer, receivedAt: Date): ParseResult {
  const [, sensorType, sensorId] = topic.split('/');
  if (payload.length > MAX_PAYLOAD_BYTES) return fail(`payload larger than ${MAX_PAYLOAD_BYTES} bytes`);
  const text = payload.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('payload is not valid JSON');
  }
  return parseReading(json, { sensorType, sensorId, defaultProtocol: 'mqtt', receivedAt }, text);
}

/** Epoch seconds, epoch milliseconds or an ISO 8601 string; absent means "now". Returns a reason when refused. */
function parseTimestamp(input: unknown, receivedAt: Date): Date | string {
  if (input === undefined || input === null) return receivedAt;
  let date: Date;
  if (typeof input === 'number' && Number.isFinite(input)) {
    // Below 1e11 an epoch can only be seconds (1e11 ms is 1973, 1e11 s is year 5138).
    date = new Date(input < 1e11 ? input * 1000 : input);
  } else if (typeof input === 'string' && /^\d{4}-\d{2}-\d{2}/.test(input)) {
    date = new Date(input);
  } else {
    return 'ts must be epoch seconds, epoch milliseconds or an ISO 8601 date-time';
  }
  if (Number.isNaN(date.getTime())) return 'ts is not a valid date';
  if (date.getTime() - receivedAt.getTime() > MAX_FUTURE_MS) return 'ts is more than a day in the future';
  if (date.getUTCFullYear() < 2000) return 'ts is before the year 2000';
  return date;
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}
