import {
  MAX_UNIT_CHARS,
  NAME_PATTERN,
  NAME_RULE,
  ORIGINS,
  type Origin,
  parseReadingTimestamp,
  readingTimestampOutOfRange,
  SOURCE_PROTOCOLS,
  type SourceProtocol,
} from './sensors.rules.js';

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
  /**
   * The payload as JSON text (as received, for MQTT), stored as the row's `raw` without serialising again; the
   * parsed object is not kept, so it does not outlive validation on the hot path.
   */
  rawJson: string;
}

export type ParseResult = { ok: true; reading: ValidReading } | { ok: false; reason: string };

const MAX_PAYLOAD_BYTES = 64 * 1024;
/**
 * Arrays and objects nested deeper than this are refused: PostgreSQL's jsonb gives up on deep nesting (SQLSTATE 54001,
 * "stack depth limit exceeded"), and no reading needs it. Only a payload longer than twice that can be so deep, so
 * an ordinary reading is not scanned.
 */
export const MAX_PAYLOAD_DEPTH = 128;

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
  if (text.length > 2 * MAX_PAYLOAD_DEPTH && nestedDeeperThan(text, MAX_PAYLOAD_DEPTH))
    return fail(`payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);

  const sensorType = p.type ?? ctx.sensorType;
  if (typeof sensorType !== 'string' || !NAME_PATTERN.test(sensorType))
    return fail(`type must be ${NAME_RULE}`);
  const sensorId = p.sensor_id ?? ctx.sensorId;
  if (typeof sensorId !== 'string' || !NAME_PATTERN.test(sensorId))
    return fail(`sensor_id must be ${NAME_RULE}`);

  if (typeof p.value !== 'number' || !Number.isFinite(p.value)) return fail('value must be a finite number');

  const timestamp = parseTimestamp(p.ts ?? p.timestamp, ctx.receivedAt);
  if (typeof timestamp === 'string') return fail(timestamp);

  if (
    p.unit !== undefined &&
    p.unit !== null &&
    (typeof p.unit !== 'string' || p.unit.length > MAX_UNIT_CHARS)
  )
    return fail(`unit must be a string of at most ${MAX_UNIT_CHARS} characters`);
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

/** `ts` (or `timestamp`) as Sensors reads one; absent means "now". Returns a reason when refused. */
function parseTimestamp(input: unknown, receivedAt: Date): Date | string {
  if (input === undefined || input === null) return receivedAt;
  const date = parseReadingTimestamp(input);
  if (typeof date === 'string') return `ts ${date}`;
  const outOfRange = readingTimestampOutOfRange(date, receivedAt);
  return outOfRange ? `ts ${outOfRange}` : date;
}

/** Whether the JSON text nests arrays or objects more than `max` deep (brackets inside strings do not count). */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}
