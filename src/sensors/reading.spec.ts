import { MAX_PAYLOAD_DEPTH, parseMqttReading, parseReading } from './reading.js';

const receivedAt = new Date('2026-01-01T12:00:00Z');
const mqtt = (topic: string, body: unknown) =>
  parseMqttReading(topic, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), receivedAt);

describe('parseMqttReading', () => {
  it('takes type and id from the topic when the payload lacks them, with the documented defaults', () => {
    const result = mqtt('sensors/Temperature/t-1', { value: 21.5, unit: '°C' });
    expect(result).toEqual({
      ok: true,
      reading: {
        timestamp: receivedAt,
        sensorType: 'temperature',
        sensorId: 't-1',
        value: 21.5,
        unit: '°C',
        origin: 'unknown',
        sourceProtocol: 'mqtt',
        reportedAnomaly: null,
        rawJson: '{"value":21.5,"unit":"°C"}',
      },
    });
  });

  it('prefers the payload fields and reads every timestamp form', () => {
    const full = mqtt('sensors/x/y', {
      ts: '2026-01-01T11:59:00.123Z',
      value: 1,
      type: 'humidity',
      sensor_id: 'h-9',
      origin: 'edge',
      source_protocol: 'coap',
      anomaly: true,
    });
    expect(full.ok && full.reading).toMatchObject({
      sensorType: 'humidity',
      sensorId: 'h-9',
      origin: 'edge',
      sourceProtocol: 'coap',
      reportedAnomaly: true,
      timestamp: new Date('2026-01-01T11:59:00.123Z'),
    });
    const seconds = mqtt('sensors/t/a', { timestamp: 1767268800, value: 1 });
    expect(seconds.ok && seconds.reading.timestamp.toISOString()).toBe('2026-01-01T12:00:00.000Z');
    const millis = mqtt('sensors/t/a', { ts: 1767268800500, value: 1 });
    expect(millis.ok && millis.reading.timestamp.toISOString()).toBe('2026-01-01T12:00:00.500Z');
  });

  it.each([
    ['not json', '{value', 'payload is not valid JSON'],
    ['an array', [1, 2], 'payload is not a JSON object'],
    ['a string value', { value: '21' }, 'value must be a finite number'],
    ['no value', { unit: 'C' }, 'value must be a finite number'],
    ['an infinite value', '{"value": 1e999}', 'value must be a finite number'],
    ['a bad origin', { value: 1, origin: 'space' }, 'origin must be edge, fog or cloud'],
    ['a bad protocol', { value: 1, source_protocol: 'ftp' }, 'source_protocol must be mqtt, http or coap'],
    ['a bad timestamp', { value: 1, ts: 'yesterday' }, 'ts must be epoch seconds'],
    ['an impossible date', { value: 1, ts: '2026-13-45T00:00:00Z' }, 'ts is not a valid date'],
    ['a future timestamp', { value: 1, ts: '2026-01-03T00:00:00Z' }, 'more than a day in the future'],
    ['a bad anomaly flag', { value: 1, anomaly: 'yes' }, 'anomaly must be a boolean'],
    ['a bad sensor id', { value: 1, sensor_id: 'a b' }, 'sensor_id must be'],
    ['a NUL character (jsonb refuses it)', { value: 1, note: 'a\u0000b' }, 'NUL character'],
  ])('refuses %s with its reason', (_, body, reason) => {
    const result = mqtt('sensors/temperature/t-1', body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});

describe('parseReading over HTTP', () => {
  it('needs type and sensor_id in the body and defaults the protocol to http', () => {
    const ctx = { defaultProtocol: 'http' as const, receivedAt };
    expect(parseReading({ value: 1 }, ctx)).toEqual({ ok: false, reason: expect.stringMatching(/^type/) });
    const ok = parseReading({ value: 1, type: 'temperature', sensor_id: 's' }, ctx);
    expect(ok.ok && ok.reading.sourceProtocol).toBe('http');
  });
});

describe('payload nesting', () => {
  const receivedAt = new Date('2026-01-01T12:00:00Z');
  const parse = (payload: string) =>
    parseMqttReading('sensors/temperature/t-1', Buffer.from(payload), receivedAt);

  it('refuses a payload nested deeper than PostgreSQL can take, with the reason', () => {
    const deep = `{"value": 1, "extra": ${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    expect(parse(deep)).toEqual({
      ok: false,
      reason: `payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`,
    });
  });

  it('accepts nesting up to the limit, and counts no bracket inside a string', () => {
    const deepest = `{"value": 1, "extra": ${'['.repeat(MAX_PAYLOAD_DEPTH - 1)}${']'.repeat(MAX_PAYLOAD_DEPTH - 1)}}`;
    expect(parse(deepest).ok).toBe(true);
    const brackets = JSON.stringify({ value: 1, note: `"\\${'['.repeat(1000)}` });
    expect(parse(brackets).ok).toBe(true);
  });
});
