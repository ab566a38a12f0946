import { Injectable, Logger } from '@nestjs/common';
import { ErrorReporter } from '../../common/errors/error-reporter.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import type { Job } from '../entities/job.entity.js';

/** The fields every log line about a job carries. */
export function jobLogFields(job: Pick<Job, 'id' | 'ownerId'>): { job_id: string; user_id: string } {
  return { job_id: job.id, user_id: job.ownerId };
}

/** Tells the owner how a job is going (`job_progress` on `/events`) and logs each step with job and user ids. */
@Injectable()
export class JobEvents {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly realtime: RealtimeService,
    private readonly reporter: ErrorReporter,
  ) {}

  progress(job: Pick<Job, 'id' | 'ownerId' | 'status' | 'processedRows' | 'totalRows' | 'issueCount'>): void {
    this.realtime.toUser(job.ownerId, 'job_progress', {
      job_id: job.id,
      status: job.status,
      processed_rows: job.processedRows,
      total_rows: job.totalRows,
      issue_count: job.issueCount,
    });
  }

  log(job: Pick<Job, 'id' | 'ownerId'>, message: string, extra: Record<string, unknown> = {}): void {
    this.logger.log({ ...jobLogFields(job), ...extra }, message);
  }

  warn(job: Pick<Job, 'id' | 'ownerId'>, message: string, extra: Record<string, unknown> = {}): void {
    this.logger.warn({ ...jobLogFields(job), ...extra }, message);
  }

  /**
   * A run that failed for good other than on its input: reported like any failed job (the worker catches it to
   * mark the job FAILED, so Bull never sees this last attempt fail).
   */
  error(job: Pick<Job, 'id' | 'ownerId'>, message: string, err: unknown): void {
    this.reporter.report(err, { context: 'bull', tags: { queue: 'jobs', ...jobLogFields(job) }, message });
  }
}
