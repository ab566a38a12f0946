import { rm } from 'node:fs/promises';
import { PNG } from 'pngjs';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { createUser, signedIn } from '../helpers/users.js';
import { FIXTURE_CHANNELS, forecastStore, publishForecast } from './forecast-fixture.js';

let app: AppProcess;
let root: string;
let token: string;
let setId: string;

const binary = (r: request.Test) =>
  r.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

/** A zoom-5 tile over the North Sea, inside the Meteosat-11 box (19W..15E, 42N..65N). */
const TILE = '5/16/9';

function decode(body: Buffer) {
  const png = PNG.sync.read(body);
  const alpha = Array.from({ length: png.width * png.height }, (_, i) => png.data[i * 4 + 3]);
  return { png, painted: alpha.filter((a) => a > 0).length };
}

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  const fixture = await forecastStore();
  root = fixture.root;
  app = await startApp(fixture.env);
  const admin = (await signedIn(app.url, { role: 'admin' })).token;
  token = (await signedIn(app.url)).token;
  setId = await publishForecast(app.url, admin);
});

afterAll(async () => {
  await app?.stop();
  await closeDb();
  await rm(root, { recursive: true, force: true });
});

describe('data-info for the replaced backend’s map client', () => {
  it('gives step indices and the documented time_range, and every layer URL built from them answers 200', async () => {
    const info = (await request(app.url).get('/api/v1/cloudcasting/data-info').expect(200)).body as {
      forecast_steps: number[];
      forecast_steps_minutes: number[];
      variables: string[];
      time_range: Record<string, unknown>;
    };
    expect(info.forecast_steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(info.forecast_steps_minutes).toEqual(info.forecast_steps.map((s) => (s + 1) * 15));
    expect(info.variables).toEqual(FIXTURE_CHANNELS);
    expect(info.time_range).toMatchObject({
      last_processed: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data_source: 'S3 download timestamp',
      total_forecast_steps: 12,
      available_variables: 2,
      start: '2025-06-01T12:15:00.000Z',
      end: '2025-06-01T15:00:00.000Z',
    });
    for (const channel of info.variables)
      for (const step of info.forecast_steps) {
        const res = await binary(
          request(app.url)
            .get(`/api/v1/cloudcasting/layers/${channel}/${step}.tif`)
            .set('Authorization', `Bearer ${token}`),
        );
        expect([channel, step, res.status]).toEqual([channel, step, 200]);
        expect(res.headers['content-type']).toBe('image/tiff');
      }
  });
});

describe('tiles', () => {
  const tileUrl = (query = '', tile = TILE, step = 3) =>
    `/api/v1/cloudcasting/tiles/${setId}/IR_108/${step}/${tile}.png${query}`;

  it('renders a coloured PNG tile, immutable and cacheable by ETag', async () => {
    const res = await binary(
      request(app.url).get(tileUrl('?colormap=viridis&rescale=0,1')).set('Authorization', `Bearer ${token}`),
    ).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    const { png, painted } = decode(res.body as Buffer);
    expect([png.width, png.height]).toEqual([256, 256]);
    expect(painted).toBe(256 * 256);
    const again = await request(app.url)
      .get(tileUrl('?colormap=viridis&rescale=0,1'))
      .set('Authorization', `Bearer ${token}`)
      .set('If-None-Match', res.headers.etag as string)
      .expect(304);
    expect(again.headers.etag).toBe(res.headers.etag);
    // Another stretch is another image, with another ETag.
    const other = await binary(
      request(app.url).get(tileUrl('?colormap=viridis&rescale=0,2')).set('Authorization', `Bearer ${token}`),
    ).expect(200);
    expect(other.headers.etag).not.toBe(res.headers.etag);
    expect((other.body as Buffer).equals(res.body as Buffer)).toBe(false);
  });

  it('follows the data: the cloud colour map is transparent where the field is low and white where high', async () => {
    const res = await binary(
      request(app.url).get(tileUrl('?colormap=cloud&rescale=0,1')).set('Authorization', `Bearer ${token}`),
    ).expect(200);
    const { png } = decode(res.body as Buffer);
    const alphas = new Set<number>();
    let notWhite = 0;
    for (let i = 0; i < png.width * png.height; i++) {
      if (png.data[i * 4] !== 255 || png.data[i * 4 + 1] !== 255 || png.data[i * 4 + 2] !== 255) notWhite++;
      alphas.add(png.data[i * 4 + 3]);
    }
    expect(notWhite).toBe(0);
    expect(alphas.size).toBeGreaterThan(20);
  });

  it('gives a transparent tile away from the forecast and refuses impossible tiles', async () => {
    const far = await binary(
      request(app.url).get(tileUrl('', '5/0/0')).set('Authorization', `Bearer ${token}`),
    ).expect(200);
    expect(decode(far.body as Buffer).painted).toBe(0);
    const bad = await request(app.url)
      .get(tileUrl('', '3/8/0'))
      .set('Authorization', `Bearer ${token}`)
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_TILE' });
  });

  it('answers bad styles and unknown sets with JSON errors', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const colormap = await request(app.url).get(tileUrl('?colormap=jet')).set(auth).expect(400);
    expect(colormap.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/colormap/) });
    const rescale = await request(app.url).get(tileUrl('?rescale=1')).set(auth).expect(400);
    expect(rescale.body).toMatchObject({ code: 'INVALID_RESCALE' });
    const step = await request(app.url)
      .get(tileUrl('', TILE, 12))
      .set(auth)
      .expect(400);
    expect(step.body).toMatchObject({ code: 'STEP_OUT_OF_RANGE' });
    const set = await request(app.url)
      .get(`/api/v1/cloudcasting/tiles/20990101T000000000Z-abcdef/IR_108/0/${TILE}.png`)
      .set(auth)
      .expect(404);
    expect(set.body).toMatchObject({ code: 'SET_NOT_FOUND' });
  });

  it('needs a signed-in user, by bearer token or by the login cookie', async () => {
    await request(app.url).get(tileUrl()).expect(401);
    const user = await createUser();
    const login = await request(app.url)
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const access = cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('access_token='));
    expect(access).toBeDefined();
    await binary(
      request(app.url)
        .get(tileUrl())
        .set('Cookie', access as string),
    ).expect(200);
  });

  it('describes a layer with TileJSON, statistics and a legend', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const tileJson = await request(app.url)
      .get(`/api/v1/cloudcasting/tiles/${setId}/VIS006/0/tilejson.json?colormap=cloud&rescale=0,1`)
      .set(auth)
      .expect(200);
    expect(tileJson.headers['cache-control']).toContain('immutable');
    expect(tileJson.body).toMatchObject({
      tilejson: '3.0.0',
      scheme: 'xyz',
      minzoom: 0,
      maxzoom: 5,
      bounds: [-19, expect.closeTo(41.975, 3), expect.closeTo(15.05, 3), 65],
      tiles: [
        `${app.url}/api/v1/cloudcasting/tiles/${setId}/VIS006/0/{z}/{x}/{y}.png?colormap=cloud&rescale=0%2C1`,
      ],
    });
    const [template] = tileJson.body.tiles as string[];
    const fromTemplate = template.replace(app.url, '').replace('{z}/{x}/{y}', TILE);
    await binary(request(app.url).get(fromTemplate).set(auth)).expect(200);

    const stats = (
      await request(app.url)
        .get(`/api/v1/cloudcasting/tiles/${setId}/VIS006/0/statistics`)
        .set(auth)
        .expect(200)
    ).body as { min: number; max: number; percentiles: Record<string, number>; valid_percent: number };
    // The synthetic field is clamped to [0, 1].
    expect(stats.min).toBeGreaterThanOrEqual(0);
    expect(stats.max).toBeLessThanOrEqual(1);
    expect(stats.max).toBeGreaterThan(stats.min);
    expect(stats.percentiles.p2).toBeLessThanOrEqual(stats.percentiles.p50);
    expect(stats.percentiles.p50).toBeLessThanOrEqual(stats.percentiles.p98);
    expect(stats.valid_percent).toBeGreaterThan(0);

    const legend = await request(app.url).get('/api/v1/cloudcasting/legend?colormap=viridis&rescale=200,300');
    expect(legend.status).toBe(200);
    expect(legend.body.stops[0]).toEqual({ value: 200, color: 'rgba(68, 1, 84, 1)' });
    expect(legend.body.stops[legend.body.stops.length - 1]).toEqual({
      value: 300,
      color: 'rgba(253, 231, 37, 1)',
    });
    const ramp = await binary(
      request(app.url).get('/api/v1/cloudcasting/legend?colormap=greys&format=png'),
    ).expect(200);
    const png = PNG.sync.read(ramp.body as Buffer);
    expect([png.width, png.height]).toEqual([256, 16]);
    expect([png.data[0], png.data[(255 * 4) as number]]).toEqual([0, 255]);
  });

  it('lists the tile URL template and documents the routes in Swagger', async () => {
    const layers = await request(app.url).get('/api/v1/cloudcasting/layers').expect(200);
    expect(layers.body.tile_url_template).toBe(
      '/api/v1/cloudcasting/tiles/{set}/{channel}/{step}/{z}/{x}/{y}.png',
    );
    const docs = await request(app.url).get('/api/docs-json').expect(200);
    const paths = Object.keys((docs.body as { paths: Record<string, unknown> }).paths);
    for (const path of [
      '/api/v1/cloudcasting/tiles/{set}/{channel}/{step}/{z}/{x}/{y}.png',
      '/api/v1/cloudcasting/tiles/{set}/{channel}/{step}/tilejson.json',
      '/api/v1/cloudcasting/tiles/{set}/{channel}/{step}/statistics',
      '/api/v1/cloudcasting/legend',
    ])
      expect(paths).toContain(path);
  });
});
