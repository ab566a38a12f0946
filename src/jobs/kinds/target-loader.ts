import type { ClientBase } from 'pg';
import type { RowValues } from './job-kind.js';

/** A READY staging row handed to another module's service. */
export interface ReadyRow {
  id: string;
  rowNumber: number;
  rowHash: string;
  data: RowValues;
}

/** A row the target's service refused although the kind's checks passed it. */
export interface RefusedRow {
  stagingId: string;
  rowNumber: number;
  reason?: string;
}

/**
 * The loop of a loader that writes through another module's service (see `JobKind.load`): reads the job's READY
 * rows from `tx` in file order, `size` at a time, and hands each chunk to `write` (rows `write` refused are DISCARD
 * by then, see `refuseRows`); the next chunk is read while `write` works on this one. The rows left READY are marked
 * SUCCESS at the end, in one statement on `tx`. Returns the sum of what `write` returned.
 */
export async function loadInChunks(
  tx: ClientBase,
  jobId: string,
  size: number,
  write: (rows: ReadyRow[]) => Promise<number>,
): Promise<number> {
  const read = (after: number) => {
    const rows = tx
      .query<ReadyRow>(
        `SELECT id, row_number AS "rowNumber", row_hash AS "rowHash", data FROM staging
         WHERE job_id = $1 AND status = 'READY' AND row_number > $2
         ORDER BY row_number LIMIT $3`,
        [jobId, after, size],
      )
      .then((r) => r.rows);
    // Read ahead: when `write` fails first, nobody awaits this one.
    rows.catch(() => undefined);
    return rows;
  };
  let loaded = 0;
  let next = read(0);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    next = read(rows[rows.length - 1].rowNumber);
    loaded += await write(rows);
  }
  await tx.query(`UPDATE staging SET status = 'SUCCESS' WHERE job_id = $1 AND status = 'READY'`, [jobId]);
  return loaded;
}

/**
 * Rows the target refused (its rules moved on since staging, say): they are discarded, each with a closed
 * REFUSED_BY_TARGET issue that keeps the target's reason, so the job completes and the review shows why.
 */
export async function refuseRows(tx: ClientBase, jobId: string, refused: RefusedRow[]): Promise<void> {
  if (refused.length === 0) return;
  await tx.query(`UPDATE staging SET status = 'DISCARD', updated_at = now() WHERE id = ANY($1::bigint[])`, [
    refused.map((r) => r.stagingId),
  ]);
  await tx.query(
    `INSERT INTO job_issues (job_id, staging_id, row_number, line_number, type, field, message, value, resolution,
       comment, resolved_at)
     SELECT $1, r.staging_id, r.row_number, (SELECT line_number FROM staging WHERE id = r.staging_id),
       'REFUSED_BY_TARGET', '', r.reason, NULL, 'DISCARDED',
       'Refused by the target when loading', now()
     FROM unnest($2::bigint[], $3::int[], $4::text[]) AS r(staging_id, row_number, reason)
     ON CONFLICT (staging_id, type, field) DO NOTHING`,
    [
      jobId,
      refused.map((r) => r.stagingId),
      refused.map((r) => r.rowNumber),
      refused.map((r) => r.reason ?? 'refused'),
    ],
  );
}
