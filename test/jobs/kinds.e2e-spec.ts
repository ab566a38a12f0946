import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn, TestUser } from '../helpers/users.js';
import { JobBody, upload, waitForJob } from './jobs-helpers.js';

/**
 * The `sensor_readings` and `observations` kinds, end to end: upload, staging and checks in the worker, issues,
 * review, the load through the Sensors and Species services (read back through their REST APIs), and a load
 * repeated after a restart.
 */
const storageDir = mkdtempSync(join(tmpdir(), 'terrawatch-jobs-kinds-e2e-'));
const appEnv = { LOG_LEVEL: 'info', JOBS_STORAGE_DIR: storageDir };

let app: AppProcess;
let editor: { user: TestUser; token: string };
let uploader: { user: TestUser; token: string };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp(appEnv);
  editor = await signedIn(app.url, { groups: ['uploader', 'editor'] });
  uploader = await signedIn(app.url, { groups: ['uploader'] });
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
  rmSync(storageDir, { recursive: true, force: true });
});

interface IssueBody {
  id: string;
  staging_id: number;
  row_number: number;
  type: string;
  field: string;
  message: string;
}

async function issuesOf(jobId: string, token: string): Promise<IssueBody[]> {
  const res = await request(app.url)
    .get(`/api/v1/jobs/${jobId}/issues?limit=100`)
    .set(auth(token))
    .expect(200);
  return res.body.items as IssueBody[];
}

async function history(sensorId: string) {
  const res = await request(app.url)
    .get('/api/v1/sensors/history')
    .query({ sensor_id: sensorId, from: '2026-01-01T09:00:00Z', to: '2026-01-01T11:00:00Z' })
    .set(auth(uploader.token))
    .expect(200);
  return (res.body.readings as Array<Record<string, unknown>>).map((r) => ({
    timestamp: r.timestamp,
    value: r.value,
    unit: r.unit,
    origin: r.origin,
    source_protocol: r.source_protocol,
  }));
}

/** 2026-01-01T10:00:00Z as epoch seconds. */
const TEN_O_CLOCK = 1767261600;

describe('sensor_readings', () => {
  it('loads through Sensors: header aliases, every timestamp form, readings visible in the history', async () => {
    const csv = [
      'TS,Type,Sensor ID,Reading,Units,Origin,Protocol',
      `2026-01-01T10:00:00Z,temperature,kinds-t1,21.5,°C,edge,mqtt`,
      `${TEN_O_CLOCK + 60},temperature,kinds-t1,21.75,°C,FOG,`,
      `${(TEN_O_CLOCK + 120) * 1000},Temperature,kinds-t1,22,°C,,coap`,
      `2026-01-01 10:03:00,temperature,kinds-t1,-1.5e1,,cloud,http`,
    ].join('\n');
    const res = await upload(app.url, uploader.token, csv, 'readings.csv', 'sensor_readings').expect(201);
    expect(res.body).toMatchObject({ total_rows: 4, ignored_columns: [] });
    const job = await waitForJob(app.url, uploader.token, res.body.job_id);
    expect(job).toMatchObject({ status: 'COMPLETED', issue_count: 0, loaded_rows: 4, processed_rows: 4 });

    expect(await history('kinds-t1')).toEqual([
      {
        timestamp: '2026-01-01T10:03:00.000Z',
        value: -15,
        unit: null,
        origin: 'cloud',
        source_protocol: 'http',
      },
      {
        timestamp: '2026-01-01T10:02:00.000Z',
        value: 22,
        unit: '°C',
        origin: 'unknown',
        source_protocol: 'coap',
      },
      {
        timestamp: '2026-01-01T10:01:00.000Z',
        value: 21.75,
        unit: '°C',
        origin: 'fog',
        source_protocol: 'http',
      },
      {
        timestamp: '2026-01-01T10:00:00.000Z',
        value: 21.5,
        unit: '°C',
        origin: 'edge',
        source_protocol: 'mqtt',
      },
    ]);
    const staged = await sql(`SELECT DISTINCT status FROM staging WHERE job_id = $1`, [job.id]);
    expect(staged).toEqual([{ status: 'SUCCESS' }]);
  });

  it('checks a large job that the table statistics have never seen in seconds, not in a nested loop', async () => {
    // An earlier job, then what autovacuum does after it: statistics in which a new job id matches about one row.
    const earlier = ['timestamp,sensor_type,sensor_id,value,unit'];
    for (let i = 0; i < 2000; i++) earlier.push(`${TEN_O_CLOCK + i},humidity,kinds-earlier,${i % 90},%`);
    const first = await upload(app.url, uploader.token, earlier.join('\n'), 'earlier.csv', 'sensor_readings');
    expect(await waitForJob(app.url, uploader.token, first.body.job_id)).toMatchObject({
      status: 'COMPLETED',
    });
    await sql(`ANALYZE staging`);
    const rows = 20_000;
    const lines = ['timestamp,sensor_type,sensor_id,value,unit'];
    for (let i = 0; i < rows - 1; i++)
      lines.push(`${TEN_O_CLOCK + i},humidity,kinds-stats-${i % 20},${i % 90},%`);
    lines.push(`${TEN_O_CLOCK},humidity,kinds-stats-0,1,%`); // repeats the first row's sensor and time
    const res = await upload(app.url, uploader.token, lines.join('\n'), 'many.csv', 'sensor_readings').expect(
      201,
    );
    // Without fresh statistics the duplicate check regrouped the whole job once per row: minutes, not seconds.
    const job = await waitForJob(app.url, uploader.token, res.body.job_id, undefined, 60_000);
    expect(job).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 1, processed_rows: rows });
    const issues = await issuesOf(job.id, uploader.token);
    expect(issues.map((i) => [i.type, i.row_number])).toEqual([['DUPLICATE_READING', rows]]);
  }, 90_000);

  it('refuses a header without a required column', async () => {
    const res = await upload(
      app.url,
      uploader.token,
      'timestamp,sensor_type,sensor_id\n2026-01-01T10:00:00Z,temperature,x\n',
      'novalue.csv',
      'sensor_readings',
    ).expect(400);
    expect(res.body).toMatchObject({ code: 'MISSING_COLUMNS', details: { missing: ['value'] } });
  });

  describe('issues and review', () => {
    let job: JobBody;
    const ofType = async (type: string) =>
      (await issuesOf(job.id, editor.token)).find((i) => i.type === type)!;

    it('raises every row issue type and a repeat within the file, and loads nothing', async () => {
      const csv = [
        'timestamp,sensor_type,sensor_id,value,unit,origin,source_protocol',
        `2026-01-01T10:00:00Z,humidity,kinds-h1,40,%,edge,http`, // 1 fine
        `2026-01-01T10:01:00Z,humidity,kinds-h1,,%,edge,http`, // 2 value missing
        `yesterday,humidity,kinds-h1,41,%,edge,http`, // 3 bad timestamp
        `1999-12-31T23:00:00Z,humidity,kinds-h1,41,%,edge,http`, // 4 before 2000
        `2026-01-01T10:04:00Z,humidity,kinds-h1,NaN,%,edge,http`, // 5 not a finite number
        `2026-01-01T10:05:00Z,humidity,bad id!,41,%,edge,http`, // 6 bad sensor id
        `2026-01-01T10:06:00Z,humidity,kinds-h1,41,${'u'.repeat(33)},edge,http`, // 7 unit too long
        `2026-01-01T10:07:00Z,humidity,kinds-h1,41,%,space,http`, // 8 unknown origin
        `2026-01-01T10:08:00Z,humidity,kinds-h1,41,%,edge,ftp`, // 9 unknown protocol
        `2026-01-01T10:00:00Z,HUMIDITY,kinds-h1,45,%,edge,http`, // 10 repeats row 1
      ].join('\n');
      const res = await upload(app.url, editor.token, csv, 'bad-readings.csv', 'sensor_readings').expect(201);
      job = await waitForJob(app.url, editor.token, res.body.job_id);
      expect(job).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 9, loaded_rows: 0 });
      const issues = await issuesOf(job.id, editor.token);
      expect(issues.map((i) => [i.row_number, i.type, i.field])).toEqual([
        [2, 'MISSING_REQUIRED_FIELD', 'value'],
        [3, 'INVALID_TIMESTAMP', 'timestamp'],
        [4, 'TIMESTAMP_OUT_OF_RANGE', 'timestamp'],
        [5, 'INVALID_NUMBER', 'value'],
        [6, 'INVALID_NAME', 'sensor_id'],
        [7, 'INVALID_UNIT', 'unit'],
        [8, 'UNKNOWN_ORIGIN', 'origin'],
        [9, 'UNKNOWN_PROTOCOL', 'source_protocol'],
        [10, 'DUPLICATE_READING', 'timestamp'],
      ]);
      expect((await ofType('DUPLICATE_READING')).message).toMatch(/also appears on row 1/);
      expect((await ofType('UNKNOWN_ORIGIN')).message).toBe(
        'origin must be one of edge, fog, cloud, unknown',
      );
      expect(await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = 'kinds-h1'`)).toEqual([]);
    });

    it('is reviewed to completion: the load is queued and the readings reach Sensors', async () => {
      const needsCorrection = await request(app.url)
        .put(`/api/v1/issues/${(await ofType('INVALID_NUMBER')).id}`)
        .set(auth(editor.token))
        .send({ action: 'resolve', comment: 'fine' })
        .expect(409);
      expect(needsCorrection.body.code).toBe('ISSUE_NEEDS_CORRECTION');

      const fixes: Record<string, Record<string, string>> = {
        MISSING_REQUIRED_FIELD: { value: '40.5' },
        INVALID_TIMESTAMP: { timestamp: '2026-01-01T10:02:00Z' },
        TIMESTAMP_OUT_OF_RANGE: { timestamp: '2026-01-01T10:03:00Z' },
        INVALID_NUMBER: { value: '42' },
        INVALID_UNIT: { unit: '%' },
        UNKNOWN_ORIGIN: { origin: 'Cloud' },
        UNKNOWN_PROTOCOL: { source_protocol: 'coap' },
      };
      for (const [type, data] of Object.entries(fixes)) {
        const issue = await ofType(type);
        const fixed = await request(app.url)
          .put(`/api/v1/staging/${issue.staging_id}`)
          .set(auth(editor.token))
          .send({ data })
          .expect(200);
        expect(fixed.body.row.status).toBe('READY');
      }
      await request(app.url)
        .put(`/api/v1/issues/${(await ofType('INVALID_NAME')).id}`)
        .set(auth(editor.token))
        .send({ action: 'discard', comment: 'unknown device' })
        .expect(200);
      const last = await request(app.url)
        .put(`/api/v1/issues/${(await ofType('DUPLICATE_READING')).id}`)
        .set(auth(editor.token))
        .send({ action: 'resolve', comment: 'the first one counts' })
        .expect(200);
      expect(last.body).toMatchObject({ job_status: 'PROCESSING', job_issue_count: 0 });

      const done = await waitForJob(app.url, editor.token, job.id);
      // Nine rows reach Sensors; the accepted repeat is a duplicate there: eight readings.
      expect(done).toMatchObject({ status: 'COMPLETED', issue_count: 0, loaded_rows: 8 });
      const readings = await history('kinds-h1');
      expect(readings.map((r) => [r.timestamp, r.value])).toEqual([
        ['2026-01-01T10:08:00.000Z', 41],
        ['2026-01-01T10:07:00.000Z', 41],
        ['2026-01-01T10:06:00.000Z', 41],
        ['2026-01-01T10:04:00.000Z', 42],
        ['2026-01-01T10:03:00.000Z', 41],
        ['2026-01-01T10:02:00.000Z', 41],
        ['2026-01-01T10:01:00.000Z', 40.5],
        ['2026-01-01T10:00:00.000Z', 40],
      ]);
      expect(readings[1]).toMatchObject({ origin: 'cloud' });
      const statuses = await sql<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM staging WHERE job_id = $1 GROUP BY 1 ORDER BY 1`,
        [job.id],
      );
      expect(statuses).toEqual([
        { status: 'SUCCESS', n: 9 },
        { status: 'DISCARD', n: 1 },
      ]);
      expect(app.output()).toMatch(/"Job queued for loading"/);
      expect(app.output()).toMatch(/"Job loading after review"/);
    });
  });
});

const OBSERVATION_HEADER =
  'Species,Common Name,Lat,Lon,Date,Location,Min Depth,Max Depth,Bathymetry,Temp,Visibility,Notes,Sex';

describe('observations', () => {
  it('creates the sightings in Species, owned by the uploader', async () => {
    const csv = [
      OBSERVATION_HEADER,
      'Mola mola,Ocean Sunfish,50.3655,-4.1427,2024-06-01T10:30:00Z,Plymouth Sound,2,5,30,15.5,8,"Calm, sunny",Unknown',
      'Phocoena phocoena,,57.7,-3.5,2024-05-05,Moray Firth,,,,,,,',
    ].join('\n');
    const res = await upload(app.url, uploader.token, csv, 'sightings.csv', 'observations').expect(201);
    const job = await waitForJob(app.url, uploader.token, res.body.job_id);
    expect(job).toMatchObject({ status: 'COMPLETED', issue_count: 0, loaded_rows: 2 });

    const list = await request(app.url).get('/api/v1/observations').set(auth(uploader.token)).expect(200);
    expect(list.body.total).toBe(2);
    const [sunfish, porpoise] = list.body.features as Array<{
      geometry: { coordinates: number[] };
      properties: Record<string, unknown>;
    }>;
    expect(sunfish.geometry.coordinates).toEqual([-4.1427, 50.3655]);
    expect(sunfish.properties).toMatchObject({
      owner_id: uploader.user.id,
      species_name: 'Mola mola',
      common_name: 'Ocean Sunfish',
      location_name: 'Plymouth Sound',
      observation_datetime: '2024-06-01T10:30:00.000Z',
      depth_min: 2,
      depth_max: 5,
      bathymetry: 30,
      temperature: 15.5,
      visibility: 8,
      notes: 'Calm, sunny',
      sex: 'unknown',
      validated: 'pending',
    });
    expect(porpoise.properties).toMatchObject({
      species_name: 'Phocoena phocoena',
      common_name: null,
      depth_min: null,
      sex: null,
    });
    const lineage = await sql(`SELECT count(*)::int AS n FROM observations WHERE source_ref LIKE $1`, [
      `jobs:${job.id}:%`,
    ]);
    expect(lineage).toEqual([{ n: 2 }]);
    // Someone else's list does not show them.
    const others = await request(app.url).get('/api/v1/observations').set(auth(editor.token)).expect(200);
    expect(others.body.total).toBe(0);
  });

  it('raises every row issue type and exact repeats, and creates nothing', async () => {
    const fine = 'Mola mola,,50,-4,2024-06-01T10:30:00Z,Plymouth Sound,,,,,,,';
    const csv = [
      OBSERVATION_HEADER,
      fine, // 1
      ',,50,-4,2024-06-01T10:30:00Z,Plymouth Sound,,,,,,,', // 2 no species
      'Mola mola,,north,-4,2024-06-01T10:30:00Z,Plymouth Sound,,,,,,,', // 3 latitude not a number
      'Mola mola,,95,-190,2024-06-01T10:30:00Z,Plymouth Sound,,,,,,,', // 4 latitude, longitude out of range
      'Mola mola,,50,-4,2024-06-01T10:30:00Z,Plymouth Sound,-3,,,,,,', // 5 negative depth
      'Mola mola,,50,-4,2024-06-01T10:30:00Z,Plymouth Sound,20,10,,,,,', // 6 depth_min > depth_max
      'Mola mola,,50,-4,01/06/2024,Plymouth Sound,,,,,,,', // 7 not ISO 8601
      `Mola mola,,50,-4,2024-06-01T10:30:00Z,${'x'.repeat(301)},,,,,,,`, // 8 location name too long
      'Mola mola,,50,-4,2024-06-01T10:30:00Z,Plymouth Sound,,,,,,,hermaphrodite', // 9 sex
      fine, // 10 repeats row 1
    ].join('\n');
    const res = await upload(app.url, editor.token, csv, 'bad-sightings.csv', 'observations').expect(201);
    const job = await waitForJob(app.url, editor.token, res.body.job_id);
    expect(job).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 10, loaded_rows: 0 });
    const issues = await issuesOf(job.id, editor.token);
    // Issues come in row order; within a row, in no particular order.
    const byRowAndField = (i: IssueBody) => `${String(i.row_number).padStart(3, '0')} ${i.field}`;
    issues.sort((a, b) => byRowAndField(a).localeCompare(byRowAndField(b)));
    expect(issues.map((i) => [i.row_number, i.type, i.field])).toEqual([
      [2, 'MISSING_REQUIRED_FIELD', 'species_name'],
      [3, 'INVALID_NUMBER', 'latitude'],
      [4, 'OUT_OF_RANGE', 'latitude'],
      [4, 'OUT_OF_RANGE', 'longitude'],
      [5, 'OUT_OF_RANGE', 'depth_min'],
      [6, 'DEPTH_RANGE_INVERTED', 'depth_min'],
      [7, 'INVALID_DATE', 'observation_datetime'],
      [8, 'TOO_LONG', 'location_name'],
      [9, 'INVALID_SEX', 'sex'],
      [10, 'DUPLICATE_OBSERVATION', 'species_name'],
    ]);
    expect(issues.find((i) => i.field === 'latitude' && i.type === 'OUT_OF_RANGE')!.message).toBe(
      'latitude must be between -90 and 90°',
    );
    expect(issues.find((i) => i.type === 'DEPTH_RANGE_INVERTED')!.message).toMatch(/greater than depth_max/);
    expect(await sql(`SELECT 1 FROM observations WHERE owner_id = $1`, [editor.user.id])).toEqual([]);
  });
});

describe('observations refused by Species at load', () => {
  it('discards a row Species refuses in its set-wise load, with the reason, and loads the others', async () => {
    const csv = [
      'species_name,latitude,longitude,observation_datetime,location_name',
      'Delphinus delphis,50.2,-4.1,2024-08-01T09:00:00Z,Whitsand Bay',
      'Delphinus delphis,50.2,-4.1,2024-08-01T09:00:00Z,Whitsand Bay',
      'Orcinus orca,58.9,-3.1,2024-08-02,Scapa Flow',
    ].join('\n');
    const owner = await signedIn(app.url, { groups: ['uploader', 'editor'] });
    const res = await upload(app.url, owner.token, csv, 'refused.csv', 'observations').expect(201);
    const job = await waitForJob(app.url, owner.token, res.body.job_id);
    expect(job).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 1 });
    // Species' rules moved on since staging (or the row was changed behind the review): the load must not trust
    // the staged checks.
    await sql(
      `UPDATE staging SET data = data || '{"latitude": "95", "observation_datetime": "2024-02-30"}'
       WHERE job_id = $1 AND row_number = 3`,
      [job.id],
    );
    const [issue] = await issuesOf(job.id, owner.token);
    await request(app.url)
      .put(`/api/v1/issues/${issue.id}`)
      .set(auth(owner.token))
      .send({ action: 'resolve', comment: 'one pod' })
      .expect(200);
    const done = await waitForJob(app.url, owner.token, job.id);
    expect(done).toMatchObject({ status: 'COMPLETED', loaded_rows: 1 });
    const refused = await sql(
      `SELECT row_number, type, resolution, message FROM job_issues WHERE job_id = $1 AND type = 'REFUSED_BY_TARGET'`,
      [job.id],
    );
    expect(refused).toEqual([
      {
        row_number: 3,
        type: 'REFUSED_BY_TARGET',
        resolution: 'DISCARDED',
        message:
          'latitude: latitude must be between -90 and 90°; ' +
          'observationDatetime: observationDatetime must be an ISO 8601 date-time',
      },
    ]);
    expect(
      await sql(`SELECT row_number, status FROM staging WHERE job_id = $1 ORDER BY row_number`, [job.id]),
    ).toEqual([
      { row_number: 1, status: 'SUCCESS' },
      { row_number: 2, status: 'SUCCESS' },
      { row_number: 3, status: 'DISCARD' },
    ]);
    expect(
      await sql(`SELECT species_name FROM observations WHERE source_ref LIKE $1`, [`jobs:${job.id}:%`]),
    ).toEqual([{ species_name: 'Delphinus delphis' }]);
  });
});

describe('observations review with the queue down', () => {
  it('loads in the request when the queue does not take the load, an accepted repeat once', async () => {
    const csv = [
      'species_name,latitude,longitude,observation_datetime,location_name',
      'Tursiops truncatus,52.1,-4.6,2024-07-01T09:00:00Z,Cardigan Bay',
      'Tursiops truncatus,52.1,-4.6,2024-07-01T09:00:00Z,Cardigan Bay',
    ].join('\n');
    const reviewer = await signedIn(app.url, { groups: ['uploader', 'editor'] });
    const res = await upload(app.url, reviewer.token, csv, 'twins.csv', 'observations').expect(201);
    const job = await waitForJob(app.url, reviewer.token, res.body.job_id);
    expect(job).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 1 });
    const [issue] = await issuesOf(job.id, reviewer.token);

    const down = await startApp({
      ...appEnv,
      JOBS_QUEUE_REDIS_URL: 'redis://127.0.0.1:1/0',
      JOBS_ENQUEUE_TIMEOUT_MS: '300',
    });
    try {
      const resolved = await request(down.url)
        .put(`/api/v1/issues/${issue.id}`)
        .set(auth(reviewer.token))
        .send({ action: 'resolve', comment: 'one dolphin, logged twice' })
        .expect(200);
      expect(resolved.body).toMatchObject({ job_status: 'COMPLETED', job_issue_count: 0 });
      expect(down.output()).toMatch(/"Could not queue the load; loading in the request"/);
    } finally {
      await down.stop();
    }
    const done = await waitForJob(app.url, reviewer.token, job.id);
    expect(done).toMatchObject({ status: 'COMPLETED', loaded_rows: 1 });
    const list = await request(app.url).get('/api/v1/observations').set(auth(reviewer.token)).expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.features[0].properties).toMatchObject({ species_name: 'Tursiops truncatus' });
    expect(await sql(`SELECT DISTINCT status FROM staging WHERE job_id = $1`, [job.id])).toEqual([
      { status: 'SUCCESS' },
    ]);
  });
});

describe('restart', () => {
  /**
   * The state a crash in the middle of a load leaves: the target service has written (it commits on its own),
   * but the transaction that marks the staged rows SUCCESS and the job COMPLETED has not. Reproduced in SQL on
   * completed jobs, with the queue's memory of them gone; the restarted app takes them up again and loads.
   */
  it('repeats an interrupted load after a restart without loading anything twice', async () => {
    const readingsCsv = [
      'timestamp,sensor_type,sensor_id,value',
      ...Array.from({ length: 30 }, (_, i) => `${TEN_O_CLOCK + i},pressure,kinds-p1,${1000 + i}`),
    ].join('\n');
    const sightingsCsv = [
      'species_name,latitude,longitude,observation_datetime,location_name',
      ...Array.from({ length: 30 }, (_, i) => `Species ${i},50,-4,2024-06-01T10:30:00Z,Site ${i}`),
    ].join('\n');
    const jobs: JobBody[] = [];
    for (const [csv, kind] of [
      [readingsCsv, 'sensor_readings'],
      [sightingsCsv, 'observations'],
    ]) {
      const res = await upload(app.url, editor.token, csv, `restart-${kind}.csv`, kind).expect(201);
      const done = await waitForJob(app.url, editor.token, res.body.job_id);
      expect(done).toMatchObject({ status: 'COMPLETED', loaded_rows: 30 });
      jobs.push(done);
    }
    const ids = jobs.map((j) => j.id);
    await sql(`UPDATE staging SET status = 'READY' WHERE job_id = ANY($1)`, [ids]);
    await sql(
      `UPDATE jobs SET status = 'PROCESSING', loaded_rows = 0, process_ended_at = NULL WHERE id = ANY($1)`,
      [ids],
    );
    await app.kill();
    await flushRedis();

    app = await startApp(appEnv);
    for (const id of ids) {
      const again = await waitForJob(app.url, editor.token, id);
      expect(again).toMatchObject({ status: 'COMPLETED', loaded_rows: 30, issue_count: 0 });
    }
    const [counts] = await sql(
      `SELECT (SELECT count(*)::int FROM sensor_readings WHERE sensor_id = 'kinds-p1') AS readings,
              (SELECT count(*)::int FROM observations WHERE source_ref LIKE $1) AS sightings,
              (SELECT count(*)::int FROM observations WHERE owner_id = $2) AS owned`,
      [`jobs:${ids[1]}:%`, editor.user.id],
    );
    expect(counts).toEqual({ readings: 30, sightings: 30, owned: 30 });
    expect(await sql(`SELECT DISTINCT status FROM staging WHERE job_id = ANY($1)`, [ids])).toEqual([
      { status: 'SUCCESS' },
    ]);
  });
});
