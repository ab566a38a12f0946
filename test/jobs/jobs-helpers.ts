import request from 'supertest';
import { sql } from '../helpers/db.js';

export interface JobBody {
  id: string;
  status: string;
  total_rows: number | null;
  processed_rows: number;
  issue_count: number;
  loaded_rows: number;
  error: string | null;
  storage_key: string;
  encoding: string;
  owner_id: string;
}

export function upload(
  baseUrl: string,
  token: string,
  content: string | Buffer,
  filename = 'contacts.csv',
  kind = 'contacts',
) {
  return request(baseUrl)
    .post('/api/v1/jobs/upload')
    .set('Authorization', `Bearer ${token}`)
    .field('kind', kind)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), filename);
}

/** Polls the job until it reaches one of `statuses` (the worker runs in the app process). */
export async function waitForJob(
  baseUrl: string,
  token: string,
  id: string,
  statuses: string[] = ['COMPLETED', 'NEEDS_REVIEW', 'FAILED'],
  timeoutMs = 30_000,
): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(baseUrl).get(`/api/v1/jobs/${id}`).set('Authorization', `Bearer ${token}`);
    const job = res.body as JobBody;
    if (statuses.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`Job ${id} is still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls SQL until `predicate` holds. */
export async function waitForSql<T extends Record<string, unknown>>(
  text: string,
  params: unknown[],
  predicate: (rows: T[]) => boolean,
  timeoutMs = 30_000,
): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await sql<T>(text, params);
    if (predicate(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`Timed out waiting on: ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `count` contacts rows with unique emails under `prefix`. */
export function contactsCsv(count: number, prefix: string): string {
  const lines = ['email,first_name,last_name,company'];
  for (let i = 1; i <= count; i++)
    lines.push(`${prefix}${i}@example.org,First${i},Last${i},Company ${i % 97}`);
  return `${lines.join('\n')}\n`;
}

/** What a contacts job staged (rows, distinct row numbers) and loaded into `contacts`: a run taken up again after a
 * kill must have each row once. */
export async function stagedAndLoaded(
  id: string,
): Promise<{ staged: number; distinct_rows: number; contacts: number }> {
  const [counts] = await sql<{ staged: number; distinct_rows: number; contacts: number }>(
    `SELECT count(*)::int AS staged, count(DISTINCT row_number)::int AS distinct_rows,
       (SELECT count(*)::int FROM contacts WHERE source_job_id = $1) AS contacts
     FROM staging WHERE job_id = $1`,
    [id],
  );
  return counts;
}
