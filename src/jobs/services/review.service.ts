import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hash } from 'node:crypto';
import type { ClientBase } from 'pg';
import { Repository } from 'typeorm';
import { AuthUser } from '../../auth/index.js';
import { page, Page, PageQueryDto } from '../../common/pagination/pagination.js';
import { Job, JobStatus } from '../entities/job.entity.js';
import { JobIssue } from '../entities/job-issue.entity.js';
import { StagingRow, StagingStatus } from '../entities/staging-row.entity.js';
import { JobsQueue } from '../jobs.queue.js';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';
import type { JobKind, RowValues } from '../kinds/job-kind.js';
import { JobKindRegistry } from '../kinds/registry.js';
import { IssueLedger } from './issue-ledger.js';
import { JobEvents } from './job-events.js';
import { JobsDb } from './jobs-db.js';
import { isAdmin, JobsService } from './jobs.service.js';

export interface IssueQuery extends PageQueryDto {
  jobId?: string;
  resolved?: boolean;
  type?: string;
}

export type IssueAction = 'resolve' | 'discard';

export interface ReviewOutcome {
  jobStatus: JobStatus;
  openIssues: number;
}

/**
 * Review of a NEEDS_REVIEW job: issues are resolved (accepted with a comment) or their row discarded, rows are
 * corrected and checked again; when no issue is left open the job loads and completes.
 */
@Injectable()
export class ReviewService {
  constructor(
    @InjectRepository(JobIssue) private readonly issues: Repository<JobIssue>,
    @InjectRepository(StagingRow) private readonly staging: Repository<StagingRow>,
    private readonly jobs: JobsService,
    private readonly kinds: JobKindRegistry,
    private readonly ledger: IssueLedger,
    private readonly events: JobEvents,
    private readonly db: JobsDb,
    private readonly queue: JobsQueue,
  ) {}

  /** Issues of the caller's jobs (every job for admins), in file order. */
  async listIssues(user: AuthUser, query: IssueQuery): Promise<Page<JobIssue>> {
    if (query.jobId) await this.jobs.get(user, query.jobId);
    const qb = this.issues
      .createQueryBuilder('i')
      .orderBy('i.jobId')
      .addOrderBy('i.rowNumber')
      .addOrderBy('i.id')
      .take(query.limit)
      .skip(query.offset);
    if (!isAdmin(user)) qb.innerJoin(Job, 'j', 'j.id = i.job_id AND j.owner_id = :owner', { owner: user.id });
    if (query.jobId) qb.andWhere('i.jobId = :jobId', { jobId: query.jobId });
    if (query.resolved !== undefined) qb.andWhere(`i.resolvedAt IS ${query.resolved ? 'NOT ' : ''}NULL`);
    if (query.type) qb.andWhere('i.type = :type', { type: query.type });
    const [items, total] = await qb.getManyAndCount();
    return page(items, total, query);
  }

  async getIssue(user: AuthUser, id: string): Promise<{ issue: JobIssue; row: StagingRow }> {
    const issue = await this.issues.findOne({ where: { id } });
    if (!issue) throw new JobsError(JobsErrorCode.ISSUE_NOT_FOUND, `Issue ${id} not found`);
    await this.jobs.get(user, issue.jobId).catch(() => {
      throw new JobsError(JobsErrorCode.ISSUE_NOT_FOUND, `Issue ${id} not found`);
    });
    const row = await this.staging.findOneByOrFail({ id: issue.stagingId });
    return { issue, row };
  }

  async getRow(user: AuthUser, id: string): Promise<{ row: StagingRow; issues: JobIssue[] }> {
    const row = await this.staging.findOne({ where: { id } });
    if (!row) throw new JobsError(JobsErrorCode.STAGING_ROW_NOT_FOUND, `Staging row ${id} not found`);
    await this.jobs.get(user, row.jobId).catch(() => {
      throw new JobsError(JobsErrorCode.STAGING_ROW_NOT_FOUND, `Staging row ${id} not found`);
    });
    const issues = await this.issues.find({ where: { stagingId: id }, order: { createdAt: 'ASC' } });
    return { row, issues };
  }

  /** `resolve`: accept the row as it is (only for the kind's acceptable issue types); `discard`: drop the row. */
  async updateIssue(
    user: AuthUser,
    id: string,
    action: IssueAction,
    comment: string,
  ): Promise<{ issue: JobIssue; outcome: ReviewOutcome }> {
    const { issue } = await this.getIssue(user, id);
    const job = await this.jobs.get(user, issue.jobId);
    const kind = this.kinds.get(job.kind);
    await this.db.transaction(async (tx) => {
      await this.lockForReview(tx, job.id);
      const { rows } = await tx.query<{ resolved_at: Date | null }>(
        `SELECT resolved_at FROM job_issues WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (rows[0]?.resolved_at) {
        throw new JobsError(JobsErrorCode.ISSUE_ALREADY_RESOLVED, `Issue ${id} is already resolved`);
      }
      if (action === 'resolve') {
        if (!kind.acceptableIssues.includes(issue.type)) {
          throw new JobsError(
            JobsErrorCode.ISSUE_NEEDS_CORRECTION,
            `A ${issue.type} issue cannot be accepted as is: correct the row (PUT /api/v1/staging/${issue.stagingId}) or discard it`,
          );
        }
        await tx.query(
          `UPDATE job_issues SET resolution = 'RESOLVED', comment = $2, resolved_by = $3, resolved_at = now()
           WHERE id = $1`,
          [id, comment, user.id],
        );
      } else {
        await tx.query(`UPDATE staging SET status = 'DISCARD', updated_at = now() WHERE id = $1`, [
          issue.stagingId,
        ]);
        await tx.query(
          `UPDATE job_issues SET resolution = 'DISCARDED', comment = $2, resolved_by = $3, resolved_at = now()
           WHERE staging_id = $1 AND resolved_at IS NULL`,
          [issue.stagingId, comment, user.id],
        );
        // The discarded row may have been what made another row a duplicate.
        await this.ledger.runSetChecks(tx, job.id, kind);
      }
      await this.ledger.refreshRowStatuses(tx, job.id);
      await this.ledger.recount(tx, job.id);
    });
    this.events.log(job, `Issue ${action}d`, { issue_id: id, type: issue.type, by: user.id });
    const outcome = await this.settle(job.id);
    return { issue: await this.issues.findOneByOrFail({ id }), outcome };
  }

  /** Replaces some values of a row, validates it again (row and set checks) and settles the job. */
  async correctRow(
    user: AuthUser,
    id: string,
    changes: Record<string, string | null>,
  ): Promise<{ row: StagingRow; issues: JobIssue[]; outcome: ReviewOutcome }> {
    const { row } = await this.getRow(user, id);
    const job = await this.jobs.get(user, row.jobId);
    const kind = this.kinds.get(job.kind);
    const values = this.apply(kind, row.data, changes);
    await this.db.transaction(async (tx) => {
      await this.lockForReview(tx, job.id);
      const { rows } = await tx.query<{ status: StagingStatus }>(
        `SELECT status FROM staging WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const status = rows[0]?.status;
      if (status !== StagingStatus.READY && status !== StagingStatus.ISSUE) {
        throw new JobsError(JobsErrorCode.ROW_NOT_EDITABLE, `A ${status} row cannot be corrected`);
      }
      const problems = kind.validateRow(values);
      const json = JSON.stringify(values);
      await tx.query(
        `UPDATE staging SET data = $2, problems = $3, row_hash = $4, updated_at = now() WHERE id = $1`,
        [id, json, problems.length > 0 ? JSON.stringify(problems) : null, hash('sha1', json)],
      );
      await this.ledger.closeFixedRowProblems(tx, id, kind, user.id);
      await this.ledger.recordRowProblems(tx, job.id, id);
      await this.ledger.runSetChecks(tx, job.id, kind);
      await this.ledger.refreshRowStatuses(tx, job.id);
      await this.ledger.recount(tx, job.id);
    });
    this.events.log(job, 'Row corrected', { staging_id: id, by: user.id });
    const outcome = await this.settle(job.id);
    const after = await this.getRow(user, id);
    return { ...after, outcome };
  }

  private apply(kind: JobKind, current: RowValues, changes: Record<string, string | null>): RowValues {
    const known = new Set(kind.columns.map((c) => c.name));
    const unknown = Object.keys(changes).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      throw new JobsError(
        JobsErrorCode.UNKNOWN_FIELD,
        `Unknown field(s) ${unknown.join(', ')} for kind '${kind.name}'; expected ${[...known].join(', ')}`,
      );
    }
    const values: RowValues = {};
    for (const column of kind.columns) {
      const next = column.name in changes ? changes[column.name] : current[column.name];
      const trimmed = typeof next === 'string' ? next.trim() : null;
      values[column.name] = trimmed ? trimmed : null;
    }
    return values;
  }

  private async lockForReview(tx: ClientBase, jobId: string): Promise<void> {
    const { rows } = await tx.query<{ status: JobStatus }>(
      `SELECT status FROM jobs WHERE id = $1 FOR UPDATE`,
      [jobId],
    );
    const status = rows[0]?.status;
    if (status !== JobStatus.NEEDS_REVIEW) {
      throw new JobsError(JobsErrorCode.JOB_NOT_IN_REVIEW, `Job ${jobId} is ${status}, not NEEDS_REVIEW`);
    }
  }

  /**
   * With issues left open the job stays in review. Without, its load is handed to the worker as a new run (a large
   * file loads for a while, longer than a request should take): the job is PROCESSING at once, and the run checks
   * the rows again and loads them (COMPLETED), or finds new issues (NEEDS_REVIEW). Should the queue not take the
   * run, the load happens here instead.
   */
  async settle(jobId: string): Promise<ReviewOutcome> {
    const queued = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: JobStatus }>(
        `SELECT status FROM jobs WHERE id = $1 FOR UPDATE`,
        [jobId],
      );
      if (rows[0]?.status !== JobStatus.NEEDS_REVIEW || (await this.ledger.openCount(tx, jobId)) > 0)
        return undefined;
      const claimed = await tx.query<{ id: string; run: number; owner_id: string }>(
        `UPDATE jobs SET status = 'PROCESSING', run = run + 1, updated_at = now() WHERE id = $1
         RETURNING id, run, owner_id`,
        [jobId],
      );
      const { id, run, owner_id } = claimed.rows[0];
      return { id, run, ownerId: owner_id };
    });
    if (queued) {
      try {
        await this.queue.enqueue(queued, { staged: true });
        this.events.log(queued, 'Job queued for loading', { run: queued.run });
        return { jobStatus: JobStatus.PROCESSING, openIssues: 0 };
      } catch (e) {
        this.events.warn(queued, 'Could not queue the load; loading in the request', { err: e });
      }
    }
    const settled = await this.ledger.settle(jobId);
    if (settled) return { jobStatus: settled.status, openIssues: settled.openIssues };
    const job = await this.db.withClient(async (c) => {
      const { rows } = await c.query<{ status: JobStatus; issue_count: number }>(
        `SELECT status, issue_count FROM jobs WHERE id = $1`,
        [jobId],
      );
      return rows[0];
    });
    return { jobStatus: job.status, openIssues: job.issue_count };
  }
}
