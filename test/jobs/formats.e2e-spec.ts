import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { upload, waitForJob } from './jobs-helpers.js';

/** Files people have (delimiters, gzip, JSON Lines, mapping, types) and pgloader-like rejects. */
const storageDir = mkdtempSync(join(tmpdir(), 'terrawatch-jobs-formats-'));
const appEnv = { JOBS_STORAGE_DIR: storageDir, JOBS_MAX_UPLOAD_MB: '4', JOBS_BATCH_ROWS: '500' };

let app: AppProcess;
let token: string;
const auth = () => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp(appEnv);
  ({ token } = await signedIn(app.url, { groups: ['uploader', 'editor'] }));
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
  rmSync(storageDir, { recursive: true, force: true });
});

const contacts = (prefix: string) =>
  sql<{ email: string; first_name: string; company: string | null }>(
    `SELECT email, first_name, company FROM contacts WHERE email LIKE $1 ORDER BY email`,
    [`${prefix}%`],
  );

async function rejectsCsv(jobId: string, url = app.url): Promise<string> {
  const res = await request(url).get(`/api/v1/jobs/${jobId}/rejects`).set(auth()).expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  return res.text;
}

describe('files people have', () => {
  it('loads a ;-separated Excel export with a BOM and quoted delimiters', async () => {
    const csv =
      '\uFEFFE-Mail;Vorname;Nachname;Firma\r\nsemi1@example.org;Jürgen;Müller;"Brückenbau; GmbH"\r\n' +
      'semi2@example.org;Anaïs;Lefèvre;Café, Crème\r\n';
    const res = await upload(app.url, token, csv, 'export.csv')
      .field('columns', JSON.stringify({ first_name: 'Vorname', last_name: 'Nachname', company: 'Firma' }))
      .expect(201);
    expect(res.body.total_rows).toBe(2);
    const job = await waitForJob(app.url, token, res.body.job_id);
    expect(job).toMatchObject({ status: 'COMPLETED', loaded_rows: 2 });
    expect(job).toMatchObject({ format: 'csv', options: expect.objectContaining({ delimiter: ';' }) });
    expect(await contacts('semi')).toEqual([
      { email: 'semi1@example.org', first_name: 'Jürgen', company: 'Brückenbau; GmbH' },
      { email: 'semi2@example.org', first_name: 'Anaïs', company: 'Café, Crème' },
    ]);
  });

  it('loads gzip-compressed CSV and JSON Lines through the same checks', async () => {
    const csv =
      'email\tfirst_name\tlast_name\ngz1@example.org\tAda\tLovelace\ngz2@example.org\tGrace\tHopper\n';
    const gz = await upload(app.url, token, gzipSync(csv), 'contacts.tsv.gz').expect(201);
    expect(gz.body.total_rows).toBe(2);
    const jsonl =
      '{"email":"jl1@example.org","first_name":"Ada","last_name":"L","company":"Navy"}\n\n' +
      '{"email":"jl2@example.org","first_name":"Grace","last_name":"H","age":85}\n' +
      '{"email":"not-an-email","first_name":"X","last_name":"Y"}\n';
    const jl = await upload(app.url, token, gzipSync(jsonl), 'contacts.jsonl.gz').expect(201);
    expect(jl.body).toMatchObject({ total_rows: 3, ignored_columns: ['age'] });
    expect(await waitForJob(app.url, token, gz.body.job_id)).toMatchObject({
      status: 'COMPLETED',
      loaded_rows: 2,
    });
    const review = await waitForJob(app.url, token, jl.body.job_id);
    expect(review).toMatchObject({ status: 'NEEDS_REVIEW', format: 'jsonl', issue_count: 1 });
    const issues = await request(app.url).get(`/api/v1/jobs/${review.id}/issues`).set(auth()).expect(200);
    expect(issues.body.items).toEqual([
      expect.objectContaining({ type: 'INVALID_EMAIL', row_number: 3, line_number: 4 }),
    ]);
    expect((await contacts('gz')).map((c) => c.email)).toEqual(['gz1@example.org', 'gz2@example.org']);
  });

  it('loads an XLSX workbook: the first sheet, or the one named; typed cells read as text', async () => {
    const book = new ExcelJS.Workbook();
    const first = book.addWorksheet('Contacts');
    first.addRow(['Email', 'First name', 'Last name', 'Company']);
    first.addRow(['xl1@example.org', 'Ada', 'Lovelace', 1843]);
    first.addRow([]);
    first.addRow(['xl2@example.org', { richText: [{ text: 'Gra' }, { text: 'ce' }] }, 'Hopper', 'Navy']);
    const other = book.addWorksheet('Readings');
    other.addRow(['timestamp', 'sensor_type', 'sensor_id', 'value']);
    other.addRow([new Date('2026-01-02T03:04:05Z'), 'temperature', 'xl-1', 12.5]);
    other.addRow([
      new Date('2026-01-02T03:05:05Z'),
      'temperature',
      'xl-1',
      { formula: '12.5+1', result: 13.5 },
    ]);
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());

    const res = await upload(app.url, token, xlsx, 'book.xlsx').expect(201);
    expect(res.body.total_rows).toBe(2);
    expect(await waitForJob(app.url, token, res.body.job_id)).toMatchObject({
      status: 'COMPLETED',
      loaded_rows: 2,
      format: 'xlsx',
    });
    expect(await contacts('xl')).toEqual([
      { email: 'xl1@example.org', first_name: 'Ada', company: '1843' },
      { email: 'xl2@example.org', first_name: 'Grace', company: 'Navy' },
    ]);

    // Other bytes (the same content twice would be a DUPLICATE_UPLOAD).
    book.creator = 'second upload';
    const again = Buffer.from(await book.xlsx.writeBuffer());
    const named = await upload(app.url, token, again, 'book2.xlsx', 'sensor_readings')
      .field('sheet', 'Readings')
      .expect(201);
    expect(await waitForJob(app.url, token, named.body.job_id)).toMatchObject({
      status: 'COMPLETED',
      loaded_rows: 2,
    });
    expect(
      await sql(`SELECT value FROM sensor_readings WHERE sensor_id = 'xl-1' ORDER BY "timestamp"`),
    ).toEqual([{ value: 12.5 }, { value: 13.5 }]);
    const missing = await upload(app.url, token, again, 'book3.xlsx').field('sheet', 'Nope').expect(400);
    expect(missing.body).toMatchObject({
      code: 'MALFORMED_XLSX',
      message: expect.stringMatching(/Contacts, Readings/),
    });
    const zip = await upload(app.url, token, Buffer.from('PK\x03\x04 not really a zip'), 'fake.xlsx').expect(
      400,
    );
    expect(zip.body.code).toBe('MALFORMED_XLSX');
  });

  it('reads decimal commas and day-first dates when told, under a mapped header', async () => {
    const csv =
      'Zeitpunkt;Typ;Sensor;Wert\n31/12/2025 23:30;temperature;fmt-1;21,5\n01/01/2026 00:30;temperature;fmt-1;1.021,25\n';
    const res = await upload(app.url, token, csv, 'readings.csv', 'sensor_readings')
      .field(
        'columns',
        JSON.stringify({ timestamp: 'Zeitpunkt', sensor_type: 'Typ', sensor_id: 'Sensor', value: 'Wert' }),
      )
      .field('types', JSON.stringify({ timestamp: 'date_dmy', value: 'decimal_comma' }))
      .expect(201);
    expect(await waitForJob(app.url, token, res.body.job_id)).toMatchObject({
      status: 'COMPLETED',
      loaded_rows: 2,
    });
    expect(
      await sql(
        `SELECT value, "timestamp" FROM sensor_readings WHERE sensor_id = 'fmt-1' ORDER BY "timestamp"`,
      ),
    ).toEqual([
      { value: 21.5, timestamp: new Date('2025-12-31T23:30:00Z') },
      { value: 1021.25, timestamp: new Date('2026-01-01T00:30:00Z') },
    ]);
  });

  it('refuses an unmappable header with the columns found and expected, and bad options, keeping nothing', async () => {
    const res = await upload(app.url, token, 'Nom;Prénom\nx;y\n', 'fr.csv').expect(400);
    expect(res.body.code).toBe('MISSING_COLUMNS');
    expect(res.body.message).toMatch(/Found: Nom, Prénom\. Expected: email, first_name, last_name/);
    const mapped = await upload(app.url, token, 'Nom;Prénom\nx;y\n', 'fr2.csv')
      .field('columns', JSON.stringify({ shoe_size: 'Nom' }))
      .expect(400);
    expect(mapped.body).toMatchObject({ code: 'UNKNOWN_FIELD', message: expect.stringMatching(/shoe_size/) });
    const typed = await upload(app.url, token, 'email,first_name,last_name\na@b.org,x,y\n', 'typ.csv')
      .field('types', '{"email": "roman_numerals"}')
      .expect(400);
    expect(typed.body.message).toMatch(/roman_numerals/);
    const json = await upload(app.url, token, 'email,first_name,last_name\na@b.org,x,y\n', 'json.csv')
      .field('columns', '{not json')
      .expect(400);
    expect(json.body.code).toBe('VALIDATION_FAILED');
    expect(await sql(`SELECT count(*)::int AS n FROM jobs WHERE original_filename LIKE '%fr%'`)).toEqual([
      { n: 0 },
    ]);
  });
});

describe('rejects', () => {
  const badFile = (prefix: string) =>
    'email,first_name,last_name,company\n' +
    `${prefix}1@example.org,Ada,Lovelace,"Analytical\nEngines"\n` +
    `not-an-email,Bad,Row,x\n` +
    `${prefix}2@example.org,,Hopper,Navy\n` +
    `${prefix}3@example.org,Grace,Hopper,"Navy, ""US"""\n` +
    `${prefix}3@example.org,Dup,Licate,x\n`;

  // Line 1 is the header; the first record spans lines 2 and 3.
  it('lists every bad row with line, column and reason, then loads the good rows without them', async () => {
    const res = await upload(app.url, token, badFile('rej'), 'rejects.csv').expect(201);
    const job = await waitForJob(app.url, token, res.body.job_id);
    expect(job).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 3, partial_report: false });
    expect(await rejectsCsv(job.id)).toBe(
      'line_number,row_number,status,email,first_name,last_name,company,reason\n' +
        '4,2,open,not-an-email,Bad,Row,x,email: not-an-email is not a valid email address\n' +
        '5,3,open,rej2@example.org,,Hopper,Navy,first_name: first_name is required\n' +
        '7,5,open,rej3@example.org,Dup,Licate,x,email: Email rej3@example.org also appears on row 4\n',
    );
    const loaded = await request(app.url).post(`/api/v1/jobs/${job.id}/load-valid`).set(auth()).expect(202);
    expect(loaded.body).toEqual({ job_status: 'PROCESSING', job_issue_count: 0 });
    expect(await waitForJob(app.url, token, job.id, ['COMPLETED', 'FAILED'])).toMatchObject({
      status: 'COMPLETED',
      loaded_rows: 2,
    });
    expect(await contacts('rej')).toEqual([
      { email: 'rej1@example.org', first_name: 'Ada', company: 'Analytical\nEngines' },
      { email: 'rej3@example.org', first_name: 'Grace', company: 'Navy, "US"' },
    ]);
    const after = await rejectsCsv(job.id);
    expect(after.split('\n').filter((l) => l.includes(',rejected,'))).toHaveLength(3);
    await request(app.url).post(`/api/v1/jobs/${job.id}/load-valid`).set(auth()).expect(409);
  });

  it('loads the good rows at once with on_issues=load_valid', async () => {
    const res = await upload(app.url, token, badFile('auto'), 'auto.csv')
      .field('on_issues', 'load_valid')
      .expect(201);
    const job = await waitForJob(app.url, token, res.body.job_id);
    expect(job).toMatchObject({ status: 'COMPLETED', loaded_rows: 2, issue_count: 0 });
    const rows = (await rejectsCsv(job.id)).trim().split('\n');
    expect(rows.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '4,2,rejected',
      '5,3,rejected',
      '7,5,rejected',
    ]);
  });

  // Last: the app without a cap stops, so that the capped one's worker takes the job from the shared queue.
  it('says partial_report when JOBS_MAX_ISSUES cuts the report, and still holds back every bad row', async () => {
    await app.stop();
    const capped = await startApp({ ...appEnv, JOBS_MAX_ISSUES: '1' });
    try {
      const res = await upload(capped.url, token, badFile('cap'), 'capped.csv').expect(201);
      const job = await waitForJob(capped.url, token, res.body.job_id);
      expect(job).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 1, partial_report: true });
      const lines = (await rejectsCsv(job.id, capped.url)).trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[2]).toMatch(/not recorded: the issue report was capped/);
      await request(capped.url).post(`/api/v1/jobs/${job.id}/load-valid`).set(auth()).expect(202);
      expect(await waitForJob(capped.url, token, job.id, ['COMPLETED', 'FAILED'])).toMatchObject({
        status: 'COMPLETED',
        loaded_rows: 2,
      });
    } finally {
      await capped.stop();
    }
  });
});
