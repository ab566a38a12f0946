import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { Job, JobStatus } from '../entities/job.entity.js';
import type { JobKind, SetCheck } from '../kinds/job-kind.js';
import { JobKindRegistry } from '../kinds/registry.js';
import { JobEvents } from './job-events.js';
import { JobsDb } from './jobs-db.js';

const UNIQUE_VIOLATION = '23505';

/** Where a job stands after `settle`. */
export interface Settled {
  status: JobStatus;
  openIssues: number;
  loaded: number;
}

/**
 * Turns findings into issues and issues into job states, with set-based SQL only (a job may have hundreds of
 * thousands of rows): row problems recorded while staging become `job_issues`, the kind's set checks are
 * reconciled with the open issues, row statuses follow their open issues, and a job without open issues loads.
 */
@Injectable()
export class IssueLedger {
  constructor(
    private readonly db: JobsDb,
    private readonly kinds: JobKindRegistry,
    private readonly events: JobEvents,
  ) {}

  /** Issues from the problems `validateRow` left on staged rows (all rows of the job, or one). Idempotent. */
  async recordRowProblems(tx: ClientBase, jobId: string, stagingId?: string): Promise<void> {
    await tx.query(
      `INSERT INTO job_issues (job_id, staging_id, row_number, line_number, type, field, message, value)
       SELECT s.job_id, s.id, s.row_number, s.line_number, p->>'type', p->>'field', p->>'message', p->>'value'
       FROM staging s CROSS JOIN LATERAL jsonb_array_elements(s.problems) p
       WHERE s.job_id = $1 AND s.problems IS NOT NULL AND s.status IN ('READY', 'ISSUE')
         AND ($2::bigint IS NULL OR s.id = $2::bigint)
       ON CONFLICT (staging_id, type, field) DO UPDATE
         SET resolution = NULL, resolved_at = NULL, resolved_by = NULL, comment = NULL,
             message = EXCLUDED.message, value = EXCLUDED.value
         WHERE job_issues.resolution = 'CORRECTED'`,
      [jobId, stagingId ?? null],
    );
  }

  /**
   * Runs every set check of the kind over the job and reconciles: new findings become issues (an issue closed by
   * an earlier correction opens again), open issues the check no longer finds close as CORRECTED. Issues a
   * reviewer resolved or discarded stay as they are.
   */
  async runSetChecks(tx: ClientBase, jobId: string, kind: JobKind): Promise<void> {
    await tx.query(`SET LOCAL work_mem = '64MB'`);
    for (const check of kind.setChecks) await this.reconcile(tx, jobId, check);
  }

  /** Closes the open row-level issues of a corrected row that its new values no longer have. */
  async closeFixedRowProblems(
    tx: ClientBase,
    stagingId: string,
    kind: JobKind,
    userId: string,
  ): Promise<void> {
    await tx.query(
      `UPDATE job_issues i SET resolution = 'CORRECTED', resolved_at = now(), resolved_by = $3,
         comment = 'Corrected'
       FROM staging s
       WHERE i.staging_id = $1 AND s.id = i.staging_id AND i.resolved_at IS NULL
         AND NOT (i.type = ANY($2::text[]))
         AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements(coalesce(s.problems, '[]'::jsonb)) p
           WHERE p->>'type' = i.type AND p->>'field' = i.field)`,
      [stagingId, kind.setChecks.map((c) => c.type), userId],
    );
  }

  /** READY rows with an open issue become ISSUE and ISSUE rows without one become READY. */
  async refreshRowStatuses(tx: ClientBase, jobId: string): Promise<void> {
    await tx.query(
      `UPDATE staging s
       SET status = CASE WHEN o.open THEN 'ISSUE' ELSE 'READY' END::staging_status, updated_at = now()
       FROM (SELECT staging_id, bool_or(resolved_at IS NULL) AS open FROM job_issues
             WHERE job_id = $1 GROUP BY staging_id) o
       WHERE s.id = o.staging_id AND s.status IN ('READY', 'ISSUE')
         AND s.status <> (CASE WHEN o.open THEN 'ISSUE' ELSE 'READY' END)::staging_status`,
      [jobId],
    );
  }

  /**
   * With open issues the job waits in NEEDS_REVIEW; without, its READY rows load and it is COMPLETED, in one
   * transaction that holds the job's row lock, so a job never loads twice (a restart or two reviewers finishing
   * at once find it COMPLETED).
   */
  async settle(jobId: string): Promise<Settled | undefined> {
    let settled: Settled | undefined;
    try {
      settled = await this.settleOnce(jobId);
    } catch (e) {
      if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      // Another job loaded some of these rows' keys after the checks ran: check again, those rows get issues.
      await this.recheck(jobId);
      settled = await this.settleOnce(jobId);
    }
    if (settled) await this.announce(jobId, settled);
    return settled;
  }

  /** Runs the set checks of a job again and brings row statuses and the issue count up to date. */
  async recheck(jobId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ kind: string }>(`SELECT kind FROM jobs WHERE id = $1 FOR UPDATE`, [
        jobId,
      ]);
      if (!rows[0]) return;
      await this.runSetChecks(tx, jobId, this.kinds.get(rows[0].kind));
      await this.refreshRowStatuses(tx, jobId);
      await this.recount(tx, jobId);
    });
  }

  private async settleOnce(jobId: string): Promise<Settled | undefined> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: JobStatus; kind: string; partial_report: boolean }>(
        `SELECT status, kind, partial_report FROM jobs WHERE id = $1 FOR UPDATE`,
        [jobId],
      );
      const job = rows[0];
      if (!job || ![JobStatus.PROCESSING, JobStatus.NEEDS_REVIEW].includes(job.status)) return undefined;
      let open = await this.openCount(tx, jobId);
      if (open === 0 && job.partial_report) open = await this.unreportedCount(tx, jobId);
      if (open > 0) {
        await tx.query(
          `UPDATE jobs SET status = 'NEEDS_REVIEW', issue_count = $2,
             process_ended_at = coalesce(process_ended_at, clock_timestamp()), updated_at = now()
           WHERE id = $1`,
          [jobId, open],
        );
        return { status: JobStatus.NEEDS_REVIEW, openIssues: open, loaded: 0 };
      }
      const loaded = await this.kinds.get(job.kind).load(tx, jobId);
      await tx.query(
        `UPDATE jobs SET status = 'COMPLETED', issue_count = 0, loaded_rows = loaded_rows + $2, error = NULL,
           process_ended_at = clock_timestamp(), updated_at = now()
         WHERE id = $1`,
        [jobId, loaded],
      );
      return { status: JobStatus.COMPLETED, openIssues: 0, loaded };
    });
  }

  async openCount(tx: ClientBase, jobId: string): Promise<number> {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM job_issues WHERE job_id = $1 AND resolved_at IS NULL`,
      [jobId],
    );
    return rows[0].n;
  }

  /**
   * Rows with issues whose issues a capped report (JOBS_MAX_ISSUES) did not record: they hold the job in review
   * like open issues, until `rejectOpenIssues` sets them aside or the job is reprocessed.
   */
  private async unreportedCount(tx: ClientBase, jobId: string): Promise<number> {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM staging WHERE job_id = $1 AND status = 'ISSUE'`,
      [jobId],
    );
    return rows[0].n;
  }

  /**
   * Keeps the first `cap` open issues of the job (file order) and drops the others, their rows staying ISSUE;
   * marks the job `partial_report` when some were dropped. No cap (0) keeps them all.
   */
  async capIssues(tx: ClientBase, jobId: string, cap: number): Promise<void> {
    if (cap <= 0) return;
    const { rowCount } = await tx.query(
      `DELETE FROM job_issues WHERE id IN (
         SELECT id FROM job_issues WHERE job_id = $1 AND resolved_at IS NULL
         ORDER BY row_number, id OFFSET $2)`,
      [jobId, cap],
    );
    if (rowCount) await tx.query(`UPDATE jobs SET partial_report = true WHERE id = $1`, [jobId]);
  }

  /**
   * pgloader's way: every row with an issue is rejected (DISCARD, its open issues closed as DISCARDED with the
   * reason kept), so the job's other rows can load. Returns how many rows were rejected.
   */
  async rejectOpenIssues(tx: ClientBase, jobId: string, userId: string | null): Promise<number> {
    const { rowCount } = await tx.query(
      `UPDATE staging SET status = 'DISCARD', updated_at = now() WHERE job_id = $1 AND status = 'ISSUE'`,
      [jobId],
    );
    await tx.query(
      `UPDATE job_issues SET resolution = 'DISCARDED', resolved_at = now(), resolved_by = $2,
         comment = 'Rejected: the job loaded without it'
       WHERE job_id = $1 AND resolved_at IS NULL`,
      [jobId, userId],
    );
    return rowCount ?? 0;
  }

  /** Keeps `jobs.issue_count` equal to the open issues while a job is in review. */
  async recount(tx: ClientBase, jobId: string): Promise<void> {
    await tx.query(
      `UPDATE jobs SET issue_count = (SELECT count(*) FROM job_issues WHERE job_id = $1 AND resolved_at IS NULL),
         updated_at = now()
       WHERE id = $1`,
      [jobId],
    );
  }

  private async reconcile(tx: ClientBase, jobId: string, check: SetCheck): Promise<void> {
    await tx.query(
      `WITH found AS (${check.sql}),
       closed AS (
         UPDATE job_issues i SET resolution = 'CORRECTED', resolved_at = now(), comment = 'No longer applies'
         WHERE i.job_id = $1 AND i.type = $2 AND i.resolved_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM found f WHERE f.staging_id = i.staging_id AND f.field = i.field)
       )
       INSERT INTO job_issues (job_id, staging_id, row_number, line_number, type, field, message, value)
       SELECT $1, f.staging_id, f.row_number, (SELECT line_number FROM staging WHERE id = f.staging_id), $2,
         f.field, f.message, f.value
       FROM found f
       ON CONFLICT (staging_id, type, field) DO UPDATE
         SET resolution = NULL, resolved_at = NULL, resolved_by = NULL, comment = NULL,
             message = EXCLUDED.message, value = EXCLUDED.value
         WHERE job_issues.resolution = 'CORRECTED'`,
      [jobId, check.type],
    );
  }

  private async announce(jobId: string, settled: Settled): Promise<void> {
    const job = await this.db.withClient(async (c) => {
      const { rows } = await c.query<{
        id: string;
        owner_id: string;
        processed_rows: number;
        total_rows: number | null;
      }>(`SELECT id, owner_id, processed_rows, total_rows FROM jobs WHERE id = $1`, [jobId]);
      return rows[0];
    });
    if (!job) return;
    const ref: Pick<Job, 'id' | 'ownerId'> = { id: job.id, ownerId: job.owner_id };
    this.events.progress({
      ...ref,
      status: settled.status,
      processedRows: job.processed_rows,
      totalRows: job.total_rows,
      issueCount: settled.openIssues,
    });
    this.events.log(ref, settled.status === JobStatus.COMPLETED ? 'Job completed' : 'Job needs review', {
      status: settled.status,
      open_issues: settled.openIssues,
      loaded: settled.loaded,
    });
  }
}
