import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';

let app: AppProcess;

interface Seed {
  obisId: string;
  species: string;
  common?: string;
  aphia?: number;
  lng: number;
  lat: number;
  date?: string;
  depth?: [number, number];
}

/** Known places: distances from (0, 0) on the WGS84 spheroid are textbook values. */
const seeds: Seed[] = [
  {
    obisId: 'centre',
    species: 'Mola mola',
    common: 'Ocean Sunfish',
    aphia: 127405,
    lng: 0,
    lat: 0,
    date: '2020-06-01',
    depth: [0, 10],
  },
  {
    obisId: 'half-north',
    species: 'Gadus morhua',
    common: 'Atlantic Cod',
    aphia: 126436,
    lng: 0,
    lat: 0.5,
    date: '2019-03-02',
    depth: [50, 80],
  },
  {
    obisId: 'one-north',
    species: 'Gadus morhua',
    common: 'Atlantic Cod',
    aphia: 126436,
    lng: 0,
    lat: 1,
    date: '2005-01-01',
    depth: [100, 200],
  },
  { obisId: 'one-east', species: 'Gadus macrocephalus', aphia: 126433, lng: 1, lat: 0, date: '1999-12-31' },
  { obisId: 'far', species: 'Mola mola', common: 'Ocean Sunfish', aphia: 127405, lng: 40, lat: 40 },
];

async function seed(): Promise<void> {
  for (const s of seeds) {
    await sql(
      `INSERT INTO curated_observations (obis_id, species_name, common_name, aphia_id, observation_date, location, depth_min, depth_max, raw)
       VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326)::geography, $8, $9, $10)`,
      [
        s.obisId,
        s.species,
        s.common ?? null,
        s.aphia ?? null,
        s.date ?? null,
        s.lng,
        s.lat,
        s.depth?.[0] ?? null,
        s.depth?.[1] ?? null,
        { id: s.obisId },
      ],
    );
  }
}

const get = (path: string) => request(app.url).get(`/api/v1/species${path}`);
const ids = (body: { items: Array<{ obis_id: string }> }) => body.items.map((i) => i.obis_id);

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  await seed();
  app = await startApp({ SPECIES_CRON_ENABLED: 'false' });
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
});

describe('GET /api/v1/species/observations', () => {
  it('finds observations within a radius on the spheroid, nearest first, with their distances', async () => {
    const res = await get('/observations?lat=0&lng=0&radius_km=111').expect(200);
    // 1° of latitude at the equator is 110.574 km, 1° of longitude 111.320 km: only the first is within 111 km.
    expect(ids(res.body)).toEqual(['centre', 'half-north', 'one-north']);
    const distances = res.body.items.map((i: { distance_km: number }) => i.distance_km);
    expect(distances[0]).toBeCloseTo(0, 6);
    expect(distances[1]).toBeCloseTo(55.29, 1);
    expect(distances[2]).toBeCloseTo(110.574, 2);

    const wider = await get('/observations?lat=0&lng=0&radius_km=112').expect(200);
    expect(ids(wider.body)).toEqual(['centre', 'half-north', 'one-north', 'one-east']);
    expect(wider.body.items[3].distance_km).toBeCloseTo(111.32, 2);
  });

  it('pages a radius search with the keyset cursor, in distance order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(
        `/observations?lat=0&lng=0&radius_km=500&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      seen.push(...ids(res.body));
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['centre', 'half-north', 'one-north', 'one-east']);
  });

  it('pages a plain search newest loaded first', async () => {
    const first = await get('/observations?limit=3').expect(200);
    expect(ids(first.body)).toEqual(['far', 'one-east', 'one-north']);
    const second = await get(`/observations?limit=3&cursor=${first.body.next_cursor}`).expect(200);
    expect(ids(second.body)).toEqual(['half-north', 'centre']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('filters by name, taxon, dates, depth and bbox', async () => {
    expect(ids((await get('/observations?species_name=gadus').expect(200)).body).sort()).toEqual([
      'half-north',
      'one-east',
      'one-north',
    ]);
    expect(ids((await get('/observations?common_name=sunfish').expect(200)).body).sort()).toEqual([
      'centre',
      'far',
    ]);
    expect(ids((await get('/observations?aphia_id=126436').expect(200)).body).sort()).toEqual([
      'half-north',
      'one-north',
    ]);
    expect(ids((await get('/observations?from=2000-01-01&to=2019-12-31').expect(200)).body).sort()).toEqual([
      'half-north',
      'one-north',
    ]);
    expect(ids((await get('/observations?min_depth=60&max_depth=150').expect(200)).body).sort()).toEqual([
      'half-north',
      'one-north',
    ]);
    expect(ids((await get('/observations?bbox=-0.1,-0.1,0.6,0.6').expect(200)).body).sort()).toEqual([
      'centre',
      'half-north',
    ]);
    expect(
      ids((await get('/observations?bbox=-1,-1,2,2&species_name=Gadus%20morhua').expect(200)).body).sort(),
    ).toEqual(['half-north', 'one-north']);
  });

  it('answers GeoJSON on request', async () => {
    const res = await get('/observations?lat=0&lng=0&radius_km=60&format=geojson').expect(200);
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.features).toHaveLength(2);
    expect(res.body.features[1]).toMatchObject({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [0, 0.5] },
      properties: { obis_id: 'half-north', species_name: 'Gadus morhua' },
    });
    expect(res.body.features[1].id).toMatch(/^obis-\d+$/);
  });

  it.each([
    ['lat=91&lng=0&radius_km=10', 'lat'],
    ['lat=0&lng=-181&radius_km=10', 'lng'],
    ['lat=abc&lng=0&radius_km=10', 'lat'],
    ['lat=0&lng=0&radius_km=1001', 'radius_km'],
    ['lat=0&lng=0&radius_km=0', 'radius_km'],
    ['lat=0&lng=0', 'radius_km'],
    ['lat=0&radius_km=5', 'lng'],
    ['bbox=10,0,-10,5', 'bbox'],
    ['bbox=0,10,5,-10', 'bbox'],
    ['bbox=0,0,5', 'bbox'],
    ['bbox=0,0,5,95', 'bbox'],
    ['from=2020-13-01', 'from'],
    ['to=yesterday', 'to'],
    ['from=2021-01-01&to=2020-01-01', 'from'],
    ['min_depth=100&max_depth=10', 'min_depth'],
    ['cursor=garbage', 'cursor'],
    ['limit=0', 'limit'],
    ['format=xml', 'format'],
  ])('refuses %s with a 400 naming %s', async (query, parameter) => {
    const res = await get(`/observations?${query}`).expect(400);
    expect(res.body.message).toContain(parameter);
    expect(res.body.requestId).toBeDefined();
  });

  it('refuses a cursor of another kind of search', async () => {
    const plain = await get('/observations?limit=1').expect(200);
    const res = await get(`/observations?lat=0&lng=0&radius_km=5&cursor=${plain.body.next_cursor}`).expect(
      400,
    );
    expect(res.body.message).toContain('cursor');
  });

  it('returns one observation with its raw record, 404 otherwise', async () => {
    const list = await get('/observations?species_name=Mola&limit=1').expect(200);
    const one = await get(`/observations/${list.body.items[0].id}`).expect(200);
    expect(one.body).toMatchObject({
      obis_id: 'far',
      raw: { id: 'far' },
      source: 'OBIS',
      longitude: 40,
      latitude: 40,
    });
    await get('/observations/999999999').expect(404);
    await get('/observations/abc').expect(404);
  });
});

describe('GET /api/v1/species and /stats', () => {
  it('lists distinct species with counts, searchable and paginated', async () => {
    const res = await get('').expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 20, offset: 0 });
    expect(res.body.items[0]).toEqual({
      species_name: 'Gadus morhua',
      common_name: 'Atlantic Cod',
      aphia_id: 126436,
      count: 2,
    });
    const search = await get('?search=sunfish').expect(200);
    expect(search.body.items).toEqual([
      { species_name: 'Mola mola', common_name: 'Ocean Sunfish', aphia_id: 127405, count: 2 },
    ]);
    const paged = await get('?limit=1&offset=2').expect(200);
    expect(paged.body).toMatchObject({ total: 3, items: [{ species_name: 'Gadus macrocephalus' }] });
  });

  it('gives figures', async () => {
    const res = await get('/stats').expect(200);
    expect(res.body).toMatchObject({
      curated_observations: 5,
      species: 3,
      earliest_date: '1999-12-31',
      latest_date: '2020-06-01',
      user_observations: 0,
    });
    expect(res.body.top_species[0]).toEqual({ key: 'Gadus morhua', count: 2 });
  });
});
