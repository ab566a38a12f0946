import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';

const uploads = mkdtempSync(join(tmpdir(), 'species-uploads-'));
let app: AppProcess;

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);

const sighting = (overrides: Record<string, unknown> = {}) => ({
  speciesName: 'Mola mola',
  commonName: 'Ocean Sunfish',
  locationName: 'Plymouth Sound',
  observationDatetime: '2024-06-01T10:30:00Z',
  location: { type: 'Point', coordinates: [-4.1427, 50.3655] },
  depthMin: 2,
  depthMax: 5,
  temperature: 15.5,
  visibility: 8,
  notes: 'basking at the surface',
  sex: 'unknown',
  ...overrides,
});

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp({ SPECIES_CRON_ENABLED: 'false', SPECIES_UPLOAD_DIR: uploads });
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
});

const api = () => request(app.url);

describe('users’ observations', () => {
  it('records, reads, lists, changes and deletes a sighting; others get 404', async () => {
    const { user, token } = await signedIn(app.url);
    const other = await signedIn(app.url);
    const researcher = await signedIn(app.url, { role: 'researcher' });
    const auth = { Authorization: `Bearer ${token}` };

    const created = await api().post('/api/v1/observations').set(auth).send(sighting()).expect(201);
    expect(created.body).toMatchObject({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [-4.1427, 50.3655] },
      properties: {
        owner_id: user.id,
        species_name: 'Mola mola',
        observation_datetime: '2024-06-01T10:30:00.000Z',
        validated: 'pending',
        source: 'user',
        image_url: null,
      },
    });
    const id = created.body.id as string;
    const [row] = await sql<{ lng: number; lat: number }>(
      `SELECT ST_X(location::geometry) AS lng, ST_Y(location::geometry) AS lat FROM observations WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ lng: -4.1427, lat: 50.3655 });

    await api().get(`/api/v1/observations/${id}`).set(auth).expect(200);
    await api().get(`/api/v1/observations/${id}`).set('Authorization', `Bearer ${other.token}`).expect(404);
    await api()
      .get(`/api/v1/observations/${id}`)
      .set('Authorization', `Bearer ${researcher.token}`)
      .expect(200);
    await api()
      .patch(`/api/v1/observations/${id}`)
      .set('Authorization', `Bearer ${other.token}`)
      .send({ notes: 'mine now' })
      .expect(404);

    const patched = await api()
      .patch(`/api/v1/observations/${id}`)
      .set(auth)
      .send({ notes: 'two of them' })
      .expect(200);
    expect(patched.body.properties).toMatchObject({
      notes: 'two of them',
      species_name: 'Mola mola',
      depth_min: 2,
    });
    const replaced = await api()
      .put(`/api/v1/observations/${id}`)
      .set(auth)
      .send({
        speciesName: 'Cetorhinus maximus',
        locationName: 'Lizard Point',
        observationDatetime: '2024-06-02',
        location: { type: 'Point', coordinates: [-5.2, 49.96] },
      })
      .expect(200);
    expect(replaced.body.properties).toMatchObject({
      species_name: 'Cetorhinus maximus',
      notes: null,
      depth_min: null,
      common_name: null,
    });

    await api()
      .post('/api/v1/observations')
      .set(auth)
      .send(sighting({ location: { type: 'Point', coordinates: [10, 10] } }))
      .expect(201);
    const list = await api().get('/api/v1/observations?limit=10').set(auth).expect(200);
    expect(list.body).toMatchObject({ type: 'FeatureCollection', total: 2, limit: 10, offset: 0 });
    const inBox = await api().get('/api/v1/observations?in_bbox=-6,49,-3,51').set(auth).expect(200);
    expect(inBox.body.features.map((f: { id: string }) => f.id)).toEqual([id]);
    const othersList = await api()
      .get('/api/v1/observations')
      .set('Authorization', `Bearer ${other.token}`)
      .expect(200);
    expect(othersList.body.total).toBe(0);
    const badBox = await api().get('/api/v1/observations?in_bbox=5,5,1,1').set(auth).expect(400);
    expect(badBox.body.message).toContain('in_bbox');

    const profile = await api().get('/api/v1/auth/profiles/me').set(auth).expect(200);
    expect(profile.body).toMatchObject({ id: user.id, username: user.username, observation_count: 2 });

    await api()
      .delete(`/api/v1/observations/${id}`)
      .set('Authorization', `Bearer ${other.token}`)
      .expect(404);
    await api().delete(`/api/v1/observations/${id}`).set(auth).expect(204);
    await api().get(`/api/v1/observations/${id}`).set(auth).expect(404);
    await api().get('/api/v1/observations').expect(401);
  });

  it.each([
    [{ location: { type: 'Point', coordinates: [200, 10] } }, 'location.coordinates'],
    [{ location: { type: 'Point', coordinates: [10, -95] } }, 'location.coordinates'],
    [{ location: { type: 'Point', coordinates: [10] } }, 'location.coordinates'],
    [{ location: { type: 'Polygon', coordinates: [1, 2] } }, 'location.type'],
    [{ location: undefined }, 'location'],
    [{ observationDatetime: '2024-02-30T10:00:00Z' }, 'observationDatetime'],
    [{ speciesName: '' }, 'speciesName'],
    [{ sex: 'both' }, 'sex'],
    [{ depthMin: 30, depthMax: 10 }, 'depthMin'],
    [{ colour: 'blue' }, 'colour'],
  ])('refuses %j with a 400 naming %s', async (change, field) => {
    const { token } = await signedIn(app.url);
    const res = await api()
      .post('/api/v1/observations')
      .set('Authorization', `Bearer ${token}`)
      .send(sighting(change))
      .expect(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('lets researchers and admins validate, not users', async () => {
    const { token } = await signedIn(app.url);
    const researcher = await signedIn(app.url, { role: 'researcher' });
    const created = await api()
      .post('/api/v1/observations')
      .set('Authorization', `Bearer ${token}`)
      .send(sighting())
      .expect(201);
    const path = `/api/v1/observations/${created.body.id}/validate`;
    await api().post(path).set('Authorization', `Bearer ${token}`).send({ status: 'validated' }).expect(403);
    await api()
      .post(path)
      .set('Authorization', `Bearer ${researcher.token}`)
      .send({ status: 'maybe' })
      .expect(400);
    const done = await api()
      .post(path)
      .set('Authorization', `Bearer ${researcher.token}`)
      .send({ status: 'validated' })
      .expect(200);
    expect(done.body.properties.validated).toBe('validated');
  });

  it('takes JPEG and PNG photos up to 2 MB, checked by content', async () => {
    const { token } = await signedIn(app.url);
    const auth = { Authorization: `Bearer ${token}` };
    const created = await api().post('/api/v1/observations').set(auth).send(sighting()).expect(201);
    const path = `/api/v1/observations/${created.body.id}/image`;

    const png = await api().post(path).set(auth).attach('image', PNG, 'photo.png').expect(200);
    expect(png.body.properties.image_url).toBe(path);
    const served = await api().get(path).set(auth).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(served.body as Buffer, PNG)).toBe(0);

    await api().post(path).set(auth).attach('image', JPEG, 'photo.jpg').expect(200);
    const files = readdirSync(uploads).filter((f) => f.startsWith(created.body.id as string));
    expect(files).toHaveLength(1); // the previous photo was replaced
    expect(files[0]).toMatch(/\.jpg$/);

    const fake = await api()
      .post(path)
      .set(auth)
      .attach('image', Buffer.from('GIF89a not a png'), 'photo.png')
      .expect(415);
    expect(fake.body.code).toBe('IMAGE_TYPE_UNSUPPORTED');
    const big = Buffer.concat([JPEG, Buffer.alloc(2 * 1024 * 1024)]);
    await api().post(path).set(auth).attach('image', big, 'big.jpg').expect(413);
    await api().post(path).set(auth).expect(400);

    await api().delete(`/api/v1/observations/${created.body.id}`).set(auth).expect(204);
    expect(existsSync(join(uploads, files[0]))).toBe(false);
  });

  it('exports the caller’s sightings as GeoJSON and CSV', async () => {
    const { token } = await signedIn(app.url);
    const auth = { Authorization: `Bearer ${token}` };
    await api()
      .post('/api/v1/observations')
      .set(auth)
      .send(sighting({ notes: 'said "hello", then left' }))
      .expect(201);
    await api()
      .post('/api/v1/observations')
      .set(auth)
      .send(sighting({ speciesName: 'Phocoena phocoena', notes: '=cmd()' }))
      .expect(201);

    const geojson = await api().get('/api/v1/observations/export').set(auth).expect(200);
    expect(geojson.headers['content-type']).toMatch(/application\/geo\+json/);
    const collection = JSON.parse(geojson.text) as { type: string; features: unknown[] };
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(2);

    const csv = await api().get('/api/v1/observations/export?format=csv').set(auth).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,species_name,common_name,observation_datetime,longitude,latitude,location_name,depth_min,depth_max,bathymetry,temperature,visibility,sex,validated,notes,created_at',
    );
    expect(lines).toHaveLength(3);
    expect(csv.text).toContain('"said ""hello"", then left"');
    expect(csv.text).toContain("'=cmd()");
    await api().get('/api/v1/observations/export?format=xlsx').set(auth).expect(400);
  });
});

describe('GET /api/v1/map/observations', () => {
  it('merges curated and visible user sightings within the radius, by distance', async () => {
    await sql(
      `INSERT INTO curated_observations (obis_id, species_name, location, raw) VALUES
       ('near', 'Gadus morhua', ST_SetSRID(ST_MakePoint(0, 0.1), 4326)::geography, '{}'),
       ('far', 'Gadus morhua', ST_SetSRID(ST_MakePoint(0, 3), 4326)::geography, '{}')`,
    );
    const me = await signedIn(app.url);
    const other = await signedIn(app.url);
    const researcher = await signedIn(app.url, { role: 'researcher' });
    const at = (lng: number, lat: number) => ({ location: { type: 'Point', coordinates: [lng, lat] } });
    const mine = await api()
      .post('/api/v1/observations')
      .set('Authorization', `Bearer ${me.token}`)
      .send(sighting(at(0, 0.2)))
      .expect(201);
    const hidden = await api()
      .post('/api/v1/observations')
      .set('Authorization', `Bearer ${other.token}`)
      .send(sighting(at(0, 0.05)))
      .expect(201);
    const shown = await api()
      .post('/api/v1/observations')
      .set('Authorization', `Bearer ${other.token}`)
      .send(sighting(at(0, 0.3)))
      .expect(201);
    await api()
      .post(`/api/v1/observations/${shown.body.id}/validate`)
      .set('Authorization', `Bearer ${researcher.token}`)
      .send({ status: 'validated' })
      .expect(200);

    const res = await api()
      .get('/api/v1/map/observations?lat=0&lng=0&radius=50')
      .set('Authorization', `Bearer ${me.token}`)
      .expect(200);
    expect(res.body.type).toBe('FeatureCollection');
    const [curatedId] = await sql<{ id: string }>(
      `SELECT id::text AS id FROM curated_observations WHERE obis_id = 'near'`,
    );
    expect(res.body.features.map((f: { id: string }) => f.id)).toEqual([
      `obis-${curatedId.id}`,
      `user-${mine.body.id}`,
      `user-${shown.body.id}`,
    ]);
    expect(res.body.features[0].properties.distance_km).toBeCloseTo(11.0574, 2);
    expect(res.body.features[1].properties).toMatchObject({ source: 'user', species_name: 'Mola mola' });

    const all = await api()
      .get('/api/v1/map/observations?lat=0&lng=0&radius=50')
      .set('Authorization', `Bearer ${researcher.token}`)
      .expect(200);
    expect(all.body.features.map((f: { id: string }) => f.id)).toContain(`user-${hidden.body.id}`);

    await api().get('/api/v1/map/observations?lat=0&lng=0&radius=50').expect(401);
    for (const [query, name] of [
      ['lat=0&lng=0&radius=2000', 'radius'],
      ['lat=100&lng=0&radius=5', 'lat'],
      ['lat=0&lng=0', 'radius'],
    ]) {
      const bad = await api()
        .get(`/api/v1/map/observations?${query}`)
        .set('Authorization', `Bearer ${me.token}`)
        .expect(400);
      expect(bad.body.message).toContain(name);
    }
  });
});
