import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn, TestUser } from '../helpers/users.js';
import { contactsCsv, JobBody, stagedAndLoaded, upload, waitForJob, waitForSql } from './jobs-helpers.js';

const execFileP = promisify(execFile);
const storageDir = mkdtempSync(join(tmpdir(), 'terrawatch-jobs-e2e-'));
const appEnv = {
  LOG_LEVEL: 'info',
  JOBS_STORAGE_DIR: storageDir,
  JOBS_MAX_UPLOAD_MB: '4',
  JOBS_BATCH_ROWS: '500',
  JOBS_LOCK_DURATION_MS: '2000',
  JOBS_STALLED_INTERVAL_MS: '1000',
};

let app: AppProcess;
let uploader: { user: TestUser; token: string };
let editor: { user: TestUser; token: string };
let other: { user: TestUser; token: string };
let plain: { user: TestUser; token: string };
let admin: { user: TestUser; token: string };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp(appEnv);
  uploader = await signedIn(app.url, { groups: ['uploader'] });
  editor = await signedIn(app.url, { groups: ['uploader', 'editor'] });
  other = await signedIn(app.url, { groups: ['uploader', 'editor'] });
  plain = await signedIn(app.url);
  admin = await signedIn(app.url, { role: 'admin' });
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
  rmSync(storageDir, { recursive: true, force: true });
});

function storedFiles(): string[] {
  const root = join(storageDir, 'uploads');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('contacts, end to end', () => {
  it('uploads with header aliases, stages, loads and pushes progress to the owner only', async () => {
    const events: Array<{ job_id: string; status: string; processed_rows: number }> = [];
    const client: Socket = io(`${app.url}/events`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: uploader.token },
    });
    await new Promise<void>((resolve, reject) => {
      client.on('connect', resolve);
      client.on('connect_error', reject);
    });
    client.on('job_progress', (e: (typeof events)[number]) => events.push(e));
    const bystanderEvents: unknown[] = [];
    const bystander = io(`${app.url}/events`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: other.token },
    });
    bystander.on('job_progress', (e: unknown) => bystanderEvents.push(e));

    const csv =
      'E-Mail,First Name,Surname,Organisation,Notes\r\n' +
      'ada@example.org,Ada,Lovelace,Analytical Engines,first\r\n' +
      '\r\n' +
      '"grace@example.org","Grace","Hopper","Navy, US",\r\n' +
      'linus@example.org,Linus,Torvalds,,kernel\r\n';
    const res = await upload(app.url, uploader.token, csv, 'my contacts.csv').expect(201);
    expect(res.body).toEqual({
      job_id: expect.any(String),
      message: expect.stringMatching(/queued/),
      filename: 'my contacts.csv',
      total_rows: 3,
      ignored_columns: ['Notes'],
    });
    const job = await waitForJob(app.url, uploader.token, res.body.job_id);
    expect(job).toMatchObject({
      status: 'COMPLETED',
      total_rows: 3,
      processed_rows: 3,
      loaded_rows: 3,
      issue_count: 0,
    });
    expect(job.storage_key).toMatch(
      new RegExp(`^uploads/${uploader.user.id}/\\d{8}T\\d{6}Z-[0-9a-f]{8}-my_contacts\\.csv$`),
    );
    expect(existsSync(join(storageDir, job.storage_key))).toBe(true);

    const contacts = await sql(`SELECT email, first_name, last_name, company FROM contacts ORDER BY email`);
    expect(contacts).toEqual([
      { email: 'ada@example.org', first_name: 'Ada', last_name: 'Lovelace', company: 'Analytical Engines' },
      { email: 'grace@example.org', first_name: 'Grace', last_name: 'Hopper', company: 'Navy, US' },
      { email: 'linus@example.org', first_name: 'Linus', last_name: 'Torvalds', company: null },
    ]);
    const staging = await sql(
      `SELECT row_number, status FROM staging WHERE job_id = $1 ORDER BY row_number`,
      [job.id],
    );
    expect(staging).toEqual([1, 2, 3].map((n) => ({ row_number: n, status: 'SUCCESS' })));

    const found = await request(app.url)
      .get('/api/v1/contacts?email=GRACE@example.org')
      .set(auth(uploader.token))
      .expect(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({ email: 'grace@example.org', source_job_id: job.id }),
    ]);
    await request(app.url).get('/api/v1/contacts').set(auth(plain.token)).expect(403);

    await waitForSql('SELECT 1', [], () => events.some((e) => e.status === 'COMPLETED'));
    expect(events.every((e) => e.job_id === job.id)).toBe(true);
    expect(events.map((e) => e.status)).toEqual(expect.arrayContaining(['PROCESSING', 'COMPLETED']));
    expect(bystanderEvents).toEqual([]);
    client.close();
    bystander.close();

    const lines = app
      .output()
      .split('\n')
      .filter((l) => l.includes('"Job completed"'));
    expect(JSON.parse(lines.find((l) => l.includes(job.id)) ?? '{}')).toMatchObject({
      job_id: job.id,
      user_id: uploader.user.id,
    });
  });

  it('decodes Latin-1 files', async () => {
    const latin1 = iconv.encode(
      'email,first_name,last_name,company\njose@example.org,José,Muñoz,Café Société\nfrancois@example.org,François,Lefèvre,Crème brûlée SA\n',
      'latin1',
    );
    const res = await upload(app.url, uploader.token, latin1, 'latin1.csv').expect(201);
    const job = await waitForJob(app.url, uploader.token, res.body.job_id);
    expect(job).toMatchObject({ status: 'COMPLETED', encoding: 'windows-1252', loaded_rows: 2 });
    const [row] = await sql(
      `SELECT first_name, last_name, company FROM contacts WHERE email = 'jose@example.org'`,
    );
    expect(row).toEqual({ first_name: 'José', last_name: 'Muñoz', company: 'Café Société' });
  });

  it('refuses the same content twice from one user (409) but not from another user', async () => {
    const csv = contactsCsv(2, 'twice');
    const first = await upload(app.url, uploader.token, csv).expect(201);
    const again = await upload(app.url, uploader.token, csv, 'renamed.csv').expect(409);
    expect(again.body).toMatchObject({ code: 'DUPLICATE_UPLOAD', details: { job_id: first.body.job_id } });
    await upload(app.url, other.token, csv).expect(201);
  });
});

describe('issues and review', () => {
  let job: JobBody;
  const issueOf = async (type: string) => {
    const res = await request(app.url)
      .get(`/api/v1/jobs/${job.id}/issues?type=${type}`)
      .set(auth(editor.token))
      .expect(200);
    return res.body.items[0] as {
      id: string;
      staging_id: number;
      row_number: number;
      field: string;
      message: string;
    };
  };

  it('raises every contacts issue type and waits in NEEDS_REVIEW without loading anything', async () => {
    await sql(
      `INSERT INTO contacts (email, first_name, last_name) VALUES ('existing@example.org', 'Old', 'Name')`,
    );
    const csv = [
      'email,first_name,last_name,company',
      'fine@example.org,Fine,Row,Acme',
      'nofirst@example.org,,Smith,Acme',
      'not-an-email,Bad,Email,Acme',
      'twin@example.org,Twin,One,Acme',
      'TWIN@example.org,Twin,Two,Acme',
      'Existing@example.org,New,Name,Acme',
    ].join('\n');
    const res = await upload(app.url, editor.token, csv, 'issues.csv').expect(201);
    job = await waitForJob(app.url, editor.token, res.body.job_id);
    expect(job).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 4, loaded_rows: 0, processed_rows: 6 });

    const list = await request(app.url)
      .get(`/api/v1/jobs/${job.id}/issues`)
      .set(auth(editor.token))
      .expect(200);
    expect(list.body.total).toBe(4);
    expect(
      (list.body.items as Array<{ row_number: number; type: string; field: string }>).map((i) => [
        i.row_number,
        i.type,
        i.field,
      ]),
    ).toEqual([
      [2, 'MISSING_REQUIRED_FIELD', 'first_name'],
      [3, 'INVALID_EMAIL', 'email'],
      [5, 'DUPLICATE_EMAIL', 'email'],
      [6, 'EXISTING_EMAIL', 'email'],
    ]);
    expect((await issueOf('DUPLICATE_EMAIL')).message).toMatch(/also appears on row 4/);
    const open = await request(app.url)
      .get(`/api/v1/issues?job_id=${job.id}&resolved=false&limit=2`)
      .set(auth(editor.token))
      .expect(200);
    expect(open.body).toMatchObject({ total: 4, limit: 2, offset: 0 });
    expect(open.body.items).toHaveLength(2);

    const detail = await request(app.url)
      .get(`/api/v1/issues/${(await issueOf('INVALID_EMAIL')).id}`)
      .set(auth(editor.token))
      .expect(200);
    expect(detail.body).toMatchObject({
      type: 'INVALID_EMAIL',
      value: 'not-an-email',
      resolved: false,
      row: { row_number: 3, status: 'ISSUE', data: { email: 'not-an-email', first_name: 'Bad' } },
    });
    expect(await sql(`SELECT 1 FROM contacts WHERE email = 'fine@example.org'`)).toEqual([]);
    const statuses = await sql<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM staging WHERE job_id = $1 GROUP BY status ORDER BY status`,
      [job.id],
    );
    expect(statuses).toEqual([
      { status: 'READY', n: 2 },
      { status: 'ISSUE', n: 4 },
    ]);
  });

  it('hides the job and its issues from other users (404) and shows them to admins', async () => {
    await request(app.url).get(`/api/v1/jobs/${job.id}`).set(auth(other.token)).expect(404);
    await request(app.url).get(`/api/v1/jobs/${job.id}/issues`).set(auth(other.token)).expect(404);
    const issue = await issueOf('INVALID_EMAIL');
    await request(app.url).get(`/api/v1/issues/${issue.id}`).set(auth(other.token)).expect(404);
    await request(app.url)
      .put(`/api/v1/issues/${issue.id}`)
      .set(auth(other.token))
      .send({ action: 'discard', comment: 'not mine' })
      .expect(404);
    const others = await request(app.url).get(`/api/v1/issues?limit=100`).set(auth(other.token)).expect(200);
    expect(others.body.items.filter((i: { job_id: string }) => i.job_id === job.id)).toEqual([]);
    const mine = await request(app.url).get(`/api/v1/issues?limit=100`).set(auth(editor.token)).expect(200);
    expect(mine.body.items.filter((i: { job_id: string }) => i.job_id === job.id)).toHaveLength(4);
    await request(app.url).get(`/api/v1/jobs/${job.id}`).set(auth(admin.token)).expect(200);
    const adminList = await request(app.url)
      .get(`/api/v1/jobs?user_id=${editor.user.id}`)
      .set(auth(admin.token))
      .expect(200);
    expect(adminList.body.items.map((j: JobBody) => j.id)).toContain(job.id);
    const ignored = await request(app.url)
      .get(`/api/v1/jobs?user_id=${editor.user.id}`)
      .set(auth(other.token))
      .expect(200);
    expect(ignored.body.items.map((j: JobBody) => j.id)).not.toContain(job.id);
  });

  it('needs the editor group to review', async () => {
    const own = await upload(
      app.url,
      uploader.token,
      'email,first_name,last_name\nbad,A,B\n',
      'own.csv',
    ).expect(201);
    const ownJob = await waitForJob(app.url, uploader.token, own.body.job_id);
    expect(ownJob.status).toBe('NEEDS_REVIEW');
    const issues = await request(app.url).get(`/api/v1/jobs/${ownJob.id}/issues`).set(auth(uploader.token));
    const forbidden = await request(app.url)
      .put(`/api/v1/issues/${issues.body.items[0].id}`)
      .set(auth(uploader.token))
      .send({ action: 'discard', comment: 'no' })
      .expect(403);
    expect(forbidden.body.message).toMatch(/group 'editor'/);
    await request(app.url)
      .put(`/api/v1/staging/${issues.body.items[0].staging_id}`)
      .set(auth(uploader.token))
      .send({ data: { email: 'good@example.org' } })
      .expect(403);
    await request(app.url).delete(`/api/v1/jobs/${ownJob.id}`).set(auth(uploader.token)).expect(403);
  });

  it('resolves, corrects and discards until the job loads and completes', async () => {
    const invalid = await issueOf('INVALID_EMAIL');
    const refused = await request(app.url)
      .put(`/api/v1/issues/${invalid.id}`)
      .set(auth(editor.token))
      .send({ action: 'resolve', comment: 'looks fine' })
      .expect(409);
    expect(refused.body.code).toBe('ISSUE_NEEDS_CORRECTION');

    // A correction that is still wrong keeps the issue open; a good one closes it.
    const stillBad = await request(app.url)
      .put(`/api/v1/staging/${invalid.staging_id}`)
      .set(auth(editor.token))
      .send({ data: { email: 'still bad' } })
      .expect(200);
    expect(stillBad.body).toMatchObject({
      job_status: 'NEEDS_REVIEW',
      job_issue_count: 4,
      row: { status: 'ISSUE' },
    });
    await request(app.url)
      .put(`/api/v1/staging/${invalid.staging_id}`)
      .set(auth(editor.token))
      .send({ data: { colour: 'red' } })
      .expect(400);
    const fixed = await request(app.url)
      .put(`/api/v1/staging/${invalid.staging_id}`)
      .set(auth(editor.token))
      .send({ data: { email: ' fixed@example.org ' } })
      .expect(200);
    expect(fixed.body).toMatchObject({
      job_status: 'NEEDS_REVIEW',
      job_issue_count: 3,
      row: { status: 'READY', data: { email: 'fixed@example.org' } },
    });
    expect(fixed.body.row.issues).toEqual([
      expect.objectContaining({ type: 'INVALID_EMAIL', resolved: true, resolution: 'CORRECTED' }),
    ]);

    const missing = await issueOf('MISSING_REQUIRED_FIELD');
    const discarded = await request(app.url)
      .put(`/api/v1/issues/${missing.id}`)
      .set(auth(editor.token))
      .send({ action: 'discard', comment: 'incomplete' })
      .expect(200);
    expect(discarded.body).toMatchObject({
      job_status: 'NEEDS_REVIEW',
      job_issue_count: 2,
      issue: { resolved: true, resolution: 'DISCARDED', comment: 'incomplete', resolved_by: editor.user.id },
    });
    await request(app.url)
      .put(`/api/v1/issues/${missing.id}`)
      .set(auth(editor.token))
      .send({ action: 'resolve', comment: 'again' })
      .expect(409);
    await request(app.url)
      .put(`/api/v1/issues/${missing.id}`)
      .set(auth(editor.token))
      .send({ action: 'explode', comment: 'x' })
      .expect(400);

    const existing = await issueOf('EXISTING_EMAIL');
    await request(app.url)
      .put(`/api/v1/issues/${existing.id}`)
      .set(auth(editor.token))
      .send({ action: 'resolve', comment: 'update the old contact' })
      .expect(200);
    const duplicate = await issueOf('DUPLICATE_EMAIL');
    const last = await request(app.url)
      .put(`/api/v1/issues/${duplicate.id}`)
      .set(auth(editor.token))
      .send({ action: 'resolve', comment: 'the later row is right' })
      .expect(200);
    // The last issue closed: the load is queued, and the worker completes the job.
    expect(last.body).toMatchObject({ job_status: 'PROCESSING', job_issue_count: 0 });

    const done = await waitForJob(app.url, editor.token, job.id);
    expect(done).toMatchObject({ status: 'COMPLETED', issue_count: 0, loaded_rows: 4 });
    const contacts = await sql(
      `SELECT email, first_name, last_name FROM contacts
       WHERE lower(email) IN ('fine@example.org', 'fixed@example.org', 'twin@example.org', 'existing@example.org',
         'nofirst@example.org') ORDER BY lower(email)`,
    );
    expect(contacts).toEqual([
      { email: 'Existing@example.org', first_name: 'New', last_name: 'Name' },
      { email: 'fine@example.org', first_name: 'Fine', last_name: 'Row' },
      { email: 'fixed@example.org', first_name: 'Bad', last_name: 'Email' },
      { email: 'TWIN@example.org', first_name: 'Twin', last_name: 'Two' },
    ]);
    const statuses = await sql(
      `SELECT row_number, status FROM staging WHERE job_id = $1 ORDER BY row_number`,
      [job.id],
    );
    expect(statuses.map((s) => s.status)).toEqual([
      'SUCCESS',
      'DISCARD',
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
    ]);
    await request(app.url)
      .put(`/api/v1/staging/${invalid.staging_id}`)
      .set(auth(editor.token))
      .send({ data: { email: 'late@example.org' } })
      .expect(409);
  });

  it('closes a duplicate issue by itself when the other row is corrected', async () => {
    const csv = 'email,first_name,last_name\nsame@example.org,A,One\nsame@example.org,B,Two\n';
    const res = await upload(app.url, editor.token, csv, 'dupes.csv').expect(201);
    const dupJob = await waitForJob(app.url, editor.token, res.body.job_id);
    expect(dupJob).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 1 });
    const [first] = await sql<{ id: string }>(`SELECT id FROM staging WHERE job_id = $1 AND row_number = 1`, [
      dupJob.id,
    ]);
    const corrected = await request(app.url)
      .put(`/api/v1/staging/${first.id}`)
      .set(auth(editor.token))
      .send({ data: { email: 'other@example.org' } })
      .expect(200);
    expect(corrected.body).toMatchObject({ job_status: 'PROCESSING', job_issue_count: 0 });
    expect(await waitForJob(app.url, editor.token, dupJob.id)).toMatchObject({ status: 'COMPLETED' });
    const [issue] = await sql(`SELECT resolution FROM job_issues WHERE job_id = $1`, [dupJob.id]);
    expect(issue.resolution).toBe('CORRECTED');
    expect(
      await sql(`SELECT count(*)::int AS n FROM contacts WHERE source_job_id = $1`, [dupJob.id]),
    ).toEqual([{ n: 2 }]);
  });
});

describe('jobs lifecycle', () => {
  it('lists the kinds and reports the queue in the status', async () => {
    const kinds = await request(app.url).get('/api/v1/jobs/kinds').set(auth(plain.token)).expect(200);
    expect(kinds.body).toEqual([
      expect.objectContaining({
        name: 'contacts',
        issue_types: [
          'MALFORMED_RECORD',
          'MISSING_REQUIRED_FIELD',
          'INVALID_EMAIL',
          'DUPLICATE_EMAIL',
          'EXISTING_EMAIL',
        ],
      }),
      expect.objectContaining({ name: 'sensor_readings', acceptable_issue_types: ['DUPLICATE_READING'] }),
      expect.objectContaining({ name: 'observations', acceptable_issue_types: ['DUPLICATE_OBSERVATION'] }),
    ]);
    const status = await request(app.url).get('/api/v1/status').expect(200);
    expect(status.body.modules.jobs.queue).toEqual(expect.objectContaining({ waiting: expect.any(Number) }));
  });

  it('lists the caller’s jobs newest first, paginated', async () => {
    const res = await request(app.url).get('/api/v1/jobs?limit=2').set(auth(uploader.token)).expect(200);
    expect(res.body.limit).toBe(2);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.total).toBeGreaterThanOrEqual(4);
    const times = (res.body.items as Array<{ created_at: string; owner_id: string }>).map(
      (j) => j.created_at,
    );
    expect([...times].sort().reverse()).toEqual(times);
    expect(res.body.items.every((j: { owner_id: string }) => j.owner_id === uploader.user.id)).toBe(true);
    await request(app.url).get('/api/v1/jobs?limit=500').set(auth(uploader.token)).expect(400);
  });

  it('reprocesses a job in review and refuses a completed one', async () => {
    const res = await upload(
      app.url,
      editor.token,
      'email,first_name,last_name\nx,A,B\n',
      'again.csv',
    ).expect(201);
    const first = await waitForJob(app.url, editor.token, res.body.job_id);
    expect(first.status).toBe('NEEDS_REVIEW');
    const again = await request(app.url)
      .post(`/api/v1/jobs/${first.id}/reprocess`)
      .set(auth(editor.token))
      .expect(202);
    expect(again.body.status).toBe('PENDING');
    const second = await waitForJob(app.url, editor.token, first.id);
    expect(second).toMatchObject({ status: 'NEEDS_REVIEW', issue_count: 1 });
    expect(await sql(`SELECT count(*)::int AS n FROM job_issues WHERE job_id = $1`, [first.id])).toEqual([
      { n: 1 },
    ]);

    const completed = await upload(app.url, editor.token, contactsCsv(1, 'reproc'), 'done.csv').expect(201);
    await waitForJob(app.url, editor.token, completed.body.job_id);
    const refused = await request(app.url)
      .post(`/api/v1/jobs/${completed.body.job_id}/reprocess`)
      .set(auth(editor.token))
      .expect(409);
    expect(refused.body.code).toBe('JOB_NOT_REPROCESSABLE');
    await request(app.url).post(`/api/v1/jobs/${first.id}/reprocess`).set(auth(plain.token)).expect(403);
  });

  it('deletes a job in review with its rows, issues and file, and refuses a completed one', async () => {
    const res = await upload(app.url, editor.token, 'email,first_name,last_name\ny,A,B\n', 'gone.csv').expect(
      201,
    );
    const job = await waitForJob(app.url, editor.token, res.body.job_id);
    expect(job.status).toBe('NEEDS_REVIEW');
    await request(app.url).delete(`/api/v1/jobs/${job.id}`).set(auth(other.token)).expect(404);
    await request(app.url).delete(`/api/v1/jobs/${job.id}`).set(auth(editor.token)).expect(204);
    await request(app.url).get(`/api/v1/jobs/${job.id}`).set(auth(editor.token)).expect(404);
    expect(await sql(`SELECT count(*)::int AS n FROM staging WHERE job_id = $1`, [job.id])).toEqual([
      { n: 0 },
    ]);
    expect(await sql(`SELECT count(*)::int AS n FROM job_issues WHERE job_id = $1`, [job.id])).toEqual([
      { n: 0 },
    ]);
    expect(existsSync(join(storageDir, job.storage_key))).toBe(false);

    const completed = await upload(app.url, editor.token, contactsCsv(1, 'keep'), 'keep.csv').expect(201);
    await waitForJob(app.url, editor.token, completed.body.job_id);
    const refused = await request(app.url)
      .delete(`/api/v1/jobs/${completed.body.job_id}`)
      .set(auth(editor.token))
      .expect(409);
    expect(refused.body.code).toBe('JOB_NOT_DELETABLE');
  });
});

describe('failures', () => {
  it('refuses at upload a CSV the worker could not parse (one parser for both), keeping nothing', async () => {
    const csv = 'email,first_name,last_name\nok@example.org,A,B\nbad@example.org,"Ada"Lovelace,C\n';
    const res = await upload(app.url, uploader.token, csv, 'malformed.csv').expect(400);
    expect(res.body.code).toBe('MALFORMED_CSV');
    expect(res.body.message).toMatch(/closing quote/);
    expect(
      await sql(`SELECT count(*)::int AS n FROM jobs WHERE original_filename = 'malformed.csv'`),
    ).toEqual([{ n: 0 }]);
  });

  it('fails a reprocessed job whose stored file has gone, with the reason', async () => {
    const res = await upload(app.url, editor.token, 'email,first_name,last_name\nz,A,B\n', 'lost.csv').expect(
      201,
    );
    const job = await waitForJob(app.url, editor.token, res.body.job_id);
    expect(job.status).toBe('NEEDS_REVIEW');
    rmSync(join(storageDir, job.storage_key));
    await request(app.url).post(`/api/v1/jobs/${job.id}/reprocess`).set(auth(editor.token)).expect(202);
    const failed = await waitForJob(app.url, editor.token, job.id, ['FAILED', 'COMPLETED']);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/cannot be read/);
  });
});

describe('upload refusals', () => {
  const expectRefused = async (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body.message).toEqual(expect.any(String));
  };

  it('answers 403 without the uploader group and 401 without a token', async () => {
    const res = await upload(app.url, plain.token, contactsCsv(1, 'plain'));
    await expectRefused(res, 403, 'FORBIDDEN_GROUP');
    expect(res.body.message).toMatch(/group 'uploader'/);
    await request(app.url).post('/api/v1/jobs/upload').field('kind', 'contacts').expect(401);
  });

  it('refuses bad files with a clear 4xx and keeps nothing', async () => {
    const before = {
      files: storedFiles().length,
      jobs: (await sql(`SELECT count(*)::int AS n FROM jobs`))[0].n,
    };
    const big = Buffer.alloc(4 * 1024 * 1024 + 10, 'a@b.org,x,y,z\n');
    await expectRefused(await upload(app.url, uploader.token, big, 'big.csv'), 413, 'FILE_TOO_LARGE');
    await expectRefused(await upload(app.url, uploader.token, '', 'empty.csv'), 400, 'EMPTY_FILE');
    await expectRefused(await upload(app.url, uploader.token, ' \n\r\n', 'blank.csv'), 400, 'EMPTY_FILE');
    await expectRefused(
      await upload(app.url, uploader.token, 'email,first_name,last_name\n\n', 'header.csv'),
      400,
      'NO_DATA_ROWS',
    );
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    await expectRefused(await upload(app.url, uploader.token, png, 'image.csv'), 415, 'BINARY_FILE');
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode('email,first_name\na@b.org,x\n', 'utf16le'),
    ]);
    await expectRefused(
      await upload(app.url, uploader.token, utf16, 'utf16.csv'),
      415,
      'UNSUPPORTED_ENCODING',
    );
    const sjis = iconv.encode(
      'email,first_name,last_name,company\nyamada@example.jp,山田,太郎,株式会社テスト\nsato@example.jp,佐藤,花子,東京電力株式会社\n',
      'shift_jis',
    );
    const wrong = await upload(app.url, uploader.token, sjis, 'sjis.csv');
    await expectRefused(wrong, 415, 'UNSUPPORTED_ENCODING');
    expect(wrong.body.message).toMatch(/Shift_JIS/);
    const columns = await upload(app.url, uploader.token, 'mail,name\na@b.org,x\n', 'cols.csv');
    await expectRefused(columns, 400, 'MISSING_COLUMNS');
    expect(columns.body.message).toMatch(/lacks column\(s\) first_name, last_name/);
    expect(columns.body.message).toMatch(
      /Found: mail, name\. Expected: email, first_name, last_name, company/,
    );
    await expectRefused(
      await upload(app.url, uploader.token, 'email,first_name,last_name\n"a@b.org,x,y\n', 'quote.csv'),
      400,
      'MALFORMED_CSV',
    );
    await expectRefused(
      await upload(app.url, uploader.token, contactsCsv(1, 'kind'), 'kind.csv', 'spaceships'),
      400,
      'UNKNOWN_KIND',
    );
    const noFile = await request(app.url)
      .post('/api/v1/jobs/upload')
      .set(auth(uploader.token))
      .field('kind', 'contacts');
    await expectRefused(noFile, 400, 'FILE_MISSING');
    const noKind = await request(app.url)
      .post('/api/v1/jobs/upload')
      .set(auth(uploader.token))
      .attach('file', Buffer.from(contactsCsv(1, 'nokind')), 'x.csv');
    await expectRefused(noKind, 400, 'VALIDATION_FAILED');
    expect(storedFiles().length).toBe(before.files);
    expect((await sql(`SELECT count(*)::int AS n FROM jobs`))[0].n).toBe(before.jobs);
  });

  it('rolls the job and the file back with a 503 when the queue is down', async () => {
    const down = await startApp({
      ...appEnv,
      JOBS_QUEUE_REDIS_URL: 'redis://127.0.0.1:1/0',
      JOBS_ENQUEUE_TIMEOUT_MS: '300',
    });
    try {
      const before = storedFiles().length;
      const res = await upload(down.url, uploader.token, contactsCsv(2, 'queue-down'), 'down.csv');
      await expectRefused(res, 503, 'QUEUE_UNAVAILABLE');
      expect(storedFiles().length).toBe(before);
      expect(await sql(`SELECT count(*)::int AS n FROM jobs WHERE original_filename = 'down.csv'`)).toEqual([
        { n: 0 },
      ]);
      // Nothing is left behind: the same file can be uploaded once the queue is back.
      await upload(app.url, uploader.token, contactsCsv(2, 'queue-down'), 'down.csv').expect(201);
    } finally {
      await down.stop();
    }
  });
});

describe('CLI', () => {
  it('uploads a file as a user and lists jobs', async () => {
    const file = join(storageDir, 'cli.csv');
    writeFileSync(file, contactsCsv(3, 'cli'));
    const env = { ...process.env, ...appEnv };
    const out = await execFileP(
      process.execPath,
      ['dist/cli.js', 'jobs:upload', '--kind', 'contacts', '--file', file, '--user', uploader.user.email],
      { env, timeout: 20_000 },
    );
    const id = /Queued job ([0-9a-f-]{36})/.exec(out.stdout)?.[1] as string;
    expect(id).toBeDefined();
    const job = await waitForJob(app.url, uploader.token, id);
    expect(job).toMatchObject({ status: 'COMPLETED', loaded_rows: 3 });
    const list = await execFileP(
      process.execPath,
      ['dist/cli.js', 'jobs:list', '--user', uploader.user.email],
      {
        env,
        timeout: 20_000,
      },
    );
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('cli.csv');
    const bad = await execFileP(
      process.execPath,
      ['dist/cli.js', 'jobs:upload', '--kind', 'contacts', '--file', file, '--user', 'nobody@example.org'],
      { env, timeout: 20_000 },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).not.toBe(0);
    expect((bad as { stderr: string }).stderr).toMatch(/No user with email/);
  });
});

describe('restart', () => {
  it('takes a job up again after the app is killed mid-job, and loads nothing twice', async () => {
    const rows = 60_000;
    const res = await upload(app.url, editor.token, contactsCsv(rows, 'restart'), 'restart.csv').expect(201);
    const id = res.body.job_id as string;
    await waitForSql<{ processed_rows: number; status: string }>(
      `SELECT processed_rows, status FROM jobs WHERE id = $1`,
      [id],
      ([j]) => j.processed_rows >= 1000,
    );
    await app.kill();
    const [killed] = await sql<{ status: string; n: number }>(
      `SELECT j.status, (SELECT count(*)::int FROM staging WHERE job_id = j.id) AS n FROM jobs j WHERE id = $1`,
      [id],
    );
    expect(killed.status).toBe('PROCESSING');
    expect(killed.n).toBeLessThan(rows);

    app = await startApp(appEnv);
    const job = await waitForJob(app.url, editor.token, id, ['COMPLETED', 'NEEDS_REVIEW', 'FAILED'], 60_000);
    expect(job).toMatchObject({
      status: 'COMPLETED',
      processed_rows: rows,
      loaded_rows: rows,
      issue_count: 0,
    });
    expect(await stagedAndLoaded(id)).toEqual({ staged: rows, distinct_rows: rows, contacts: rows });
    expect(app.output()).toMatch(/"Job resumed"/);
  });
});
