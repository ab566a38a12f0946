import { Injectable } from '@nestjs/common';
import { AuthUser } from '../../auth/index.js';
import { JobStatus } from '../entities/job.entity.js';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';
import { JobKindRegistry } from '../kinds/registry.js';
import { IssueLedger } from './issue-ledger.js';
import { JobEvents } from './job-events.js';
import { JobsDb } from './jobs-db.js';
import { JobsService } from './jobs.service.js';
import { ReviewOutcome, ReviewService } from './review.service.js';

/** Rows read per query while a rejects file streams out. */
const PAGE_ROWS = 2000;

/**
 * A job's rejected rows as pgloader reports them: every row with an issue (open, or rejected) with its file line,
 * row number, values and reasons, as a CSV streamed page by page; and the load of a job's good rows without them.
 */
@Injectable()
export class RejectsService {
  constructor(
    private readonly jobs: JobsService,
    private readonly kinds: JobKindRegistry,
    private readonly ledger: IssueLedger,
    private readonly review: ReviewService,
    private readonly events: JobEvents,
    private readonly db: JobsDb,
  ) {}

  /**
   * The rejects CSV of a job (owner or admin): `line_number,row_number,status,<the kind's columns>,reason`, in file
   * order. `reason` joins every issue of the row (`field: message`); a row whose issues a capped report did not
   * record says so. Checks access before the first line, then reads the rows in keyset pages.
   */
  async csv(user: AuthUser, jobId: string): Promise<AsyncGenerator<string>> {
    const job = await this.jobs.get(user, jobId);
    const columns = this.kinds.get(job.kind).columns.map((c) => c.name);
    const db = this.db;
    return (async function* () {
      yield `${['line_number', 'row_number', 'status', ...columns, 'reason'].map(csvCell).join(',')}\n`;
      let after = 0;
      for (;;) {
        const rows = await db.withClient(async (c) => {
          const result = await c.query<{
            line_number: number | null;
            row_number: number;
            status: string;
            data: Record<string, string | null>;
            reason: string | null;
          }>(
            `SELECT s.line_number, s.row_number, CASE WHEN s.status = 'DISCARD' THEN 'rejected' ELSE 'open' END
                      AS status, s.data,
                    (SELECT string_agg(CASE WHEN i.field = '' THEN i.message ELSE i.field || ': ' || i.message END,
                                       '; ' ORDER BY i.created_at, i.id)
                     FROM job_issues i WHERE i.staging_id = s.id) AS reason
             FROM staging s
             WHERE s.job_id = $1 AND s.status IN ('ISSUE', 'DISCARD') AND s.row_number > $2
             ORDER BY s.row_number LIMIT $3`,
            [jobId, after, PAGE_ROWS],
          );
          return result.rows;
        });
        if (rows.length === 0) return;
        yield rows
          .map(
            (r) =>
              `${[
                r.line_number ?? '',
                r.row_number,
                r.status,
                ...columns.map((c) => r.data[c] ?? ''),
                r.reason ?? 'not recorded: the issue report was capped (JOBS_MAX_ISSUES)',
              ]
                .map(csvCell)
                .join(',')}\n`,
          )
          .join('');
        after = rows[rows.length - 1].row_number;
      }
    })();
  }

  /**
   * Rejects every row of a job in review that has an open issue and loads the others (queued like the end of a
   * review). Needs the job to be NEEDS_REVIEW.
   */
  async loadValid(user: AuthUser, jobId: string): Promise<ReviewOutcome> {
    const job = await this.jobs.get(user, jobId);
    const rejected = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: JobStatus }>(
        `SELECT status FROM jobs WHERE id = $1 FOR UPDATE`,
        [jobId],
      );
      if (rows[0]?.status !== JobStatus.NEEDS_REVIEW) {
        throw new JobsError(
          JobsErrorCode.JOB_NOT_IN_REVIEW,
          `Job ${jobId} is ${rows[0]?.status ?? 'gone'}, not NEEDS_REVIEW`,
        );
      }
      const count = await this.ledger.rejectOpenIssues(tx, jobId, user.id);
      await this.ledger.recount(tx, jobId);
      return count;
    });
    this.events.log(job, 'Rows with issues rejected; loading the others', { rejected, by: user.id });
    return this.review.settle(jobId);
  }
}

/** One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. */
function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
