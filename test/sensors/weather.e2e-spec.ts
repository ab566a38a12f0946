import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { signedIn } from '../helpers/users.js';
import { runId, sensorsEnv } from './sensors-helpers.js';

const fixture = (name: string) =>
  readFileSync(resolve(process.cwd(), 'test/fixtures/openweather', name), 'utf8');
const API_KEY = 'fake-openweather-key';

/** A local OpenWeather speaking its wire format (`GET /data/2.5/weather?q&appid&units`) from recorded answers. */
let fake: Server;
const calls: URL[] = [];
let app: AppProcess;
let token: string;
let admin: string;

beforeAll(async () => {
  fake = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    calls.push(url);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    };
    if (url.pathname !== '/data/2.5/weather') return send(404, '{"cod":"404","message":"Internal error"}');
    if (url.searchParams.get('appid') !== API_KEY) return send(401, fixture('error-401.json'));
    const city = url.searchParams.get('q');
    if (city === 'London') return send(200, fixture('weather-london.json'));
    if (city === 'Crashville') return send(500, '{"cod":500,"message":"Internal error"}');
    return send(404, fixture('error-404.json'));
  });
  fake.listen(0, '127.0.0.1');
  await once(fake, 'listening');
  const { port } = fake.address() as { port: number };
  await truncateAll();
  app = await startApp({
    ...sensorsEnv('weather'),
    OPENWEATHER_API_KEY: API_KEY,
    OPENWEATHER_BASE_URL: `http://127.0.0.1:${port}`,
    // This app runs without the MQTT consumer (HTTP ingestion only).
    SENSORS_MQTT_ENABLED: 'false',
  });
  token = (await signedIn(app.url)).token;
  admin = (await signedIn(app.url, { role: 'admin' })).token;
});
afterAll(async () => {
  await app?.stop();
  fake?.close();
  await closeDb();
});

it('returns the current weather in metric units, cached per city', async () => {
  const auth = { Authorization: `Bearer ${token}` };
  const res = await request(app.url)
    .get('/api/v1/sensors/external/weather?city=London')
    .set(auth)
    .expect(200);
  expect(res.body).toEqual({
    city: 'London',
    country: 'GB',
    temperature: 18.2,
    humidity: 72,
    pressure: 1015,
    description: 'broken clouds',
    wind_speed: 4.6,
    observed_at: '2024-01-01T12:00:00.000Z',
    source: 'openweather',
  });
  const first = calls.find((c) => c.searchParams.get('q') === 'London');
  expect(first?.searchParams.get('units')).toBe('metric');
  await request(app.url).get('/api/v1/sensors/external/weather?city=london').set(auth).expect(200);
  expect(calls.filter((c) => c.searchParams.get('q')?.toLowerCase() === 'london')).toHaveLength(1);
});

it('maps an unknown city to 404 and an upstream failure to 502, never inventing weather', async () => {
  const auth = { Authorization: `Bearer ${token}` };
  const unknown = await request(app.url)
    .get('/api/v1/sensors/external/weather?city=Atlantis')
    .set(auth)
    .expect(404);
  expect(unknown.body.code).toBe('CITY_NOT_FOUND');
  const broken = await request(app.url)
    .get('/api/v1/sensors/compare/weather?city=Crashville')
    .set(auth)
    .expect(502);
  expect(broken.body.code).toBe('WEATHER_UPSTREAM_FAILED');
  await request(app.url).get('/api/v1/sensors/external/weather').set(auth).expect(400);
});

it('compares the last hour of local readings with the official weather', async () => {
  const now = Date.now();
  await request(app.url)
    .post('/api/v1/sensors/readings')
    .set('Authorization', `Bearer ${admin}`)
    .send([
      { sensor_id: `${runId}-w-t1`, type: 'temperature', value: 29, ts: now - 60_000 },
      { sensor_id: `${runId}-w-t2`, type: 'temperature', value: 31, ts: now - 60_000 },
      { sensor_id: `${runId}-w-h1`, type: 'humidity', value: 45, ts: now - 60_000 },
    ])
    .expect(201);
  const res = await request(app.url)
    .get('/api/v1/sensors/compare/weather?city=London')
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  expect(res.body.local).toEqual({
    temperature: { average: 30, readings: 2, sensors: 2 },
    humidity: { average: 45, readings: 1, sensors: 1 },
    pressure: null,
  });
  expect(res.body.differences).toEqual({ temperature: 11.8, humidity: -27, pressure: null });
  expect(res.body.alerts).toEqual([
    expect.objectContaining({ metric: 'temperature', severity: 'critical' }),
    expect.objectContaining({ metric: 'humidity', severity: 'warning' }),
  ]);
});

it('without the MQTT consumer, the live view says it is unavailable (503)', async () => {
  const res = await request(app.url)
    .get('/api/v1/sensors/live')
    .set('Authorization', `Bearer ${token}`)
    .expect(503);
  expect(res.body.code).toBe('MQTT_DISCONNECTED');
});
