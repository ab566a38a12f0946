import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { type Erasure, keysetRows, type PersonalDataContributor } from '../../privacy/index.js';
import { IssueDto, JobDto, StagingRowDto } from '../dto/jobs.dto.js';
import { JobIssue } from '../entities/job-issue.entity.js';
import { Job } from '../entities/job.entity.js';
import { StagingRow } from '../entities/staging-row.entity.js';
import { JobsQueue } from '../jobs.queue.js';
import { ObjectStorage } from '../storage/object-storage.js';

/**
 * The user's uploads: jobs, their staged rows (the file's content as read) and issues, and the stored files. Also
 * the user's name on issues of other users' jobs they resolved (detached, not deleted). Staged rows have no foreign
 * key to their job (bulk COPY speed), so they are deleted here explicitly.
 */
@Injectable()
export class JobsPersonalData implements PersonalDataContributor {
  readonly name = 'jobs';
  readonly description = 'uploaded jobs with their staged rows and issues, and the uploaded files in storage';
  private readonly logger = new Logger('Jobs');

  constructor(
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
    @InjectRepository(StagingRow) private readonly staging: Repository<StagingRow>,
    @InjectRepository(JobIssue) private readonly issues: Repository<JobIssue>,
    private readonly storage: ObjectStorage,
    private readonly queue: JobsQueue,
  ) {}

  export(userId: string) {
    return Promise.resolve({
      jobs: keysetRows(this.jobs, { ownerId: userId }, 'id', (job) => JobDto.from(job)),
      staged_rows: this.perJob(userId, (job) =>
        keysetRows(this.staging, { jobId: job.id }, 'rowNumber', (row) => StagingRowDto.from(row)),
      ),
      issues: this.perJob(userId, (job) =>
        keysetRows(this.issues, { jobId: job.id }, 'id', (issue) => IssueDto.from(issue)),
      ),
    });
  }

  async erase(userId: string, manager: EntityManager): Promise<Erasure> {
    const owned = `SELECT id FROM jobs WHERE owner_id = $1`;
    const [, issues] = await manager.query<[unknown, number]>(
      `DELETE FROM job_issues WHERE job_id IN (${owned})`,
      [userId],
    );
    const [, staged] = await manager.query<[unknown, number]>(
      `DELETE FROM staging WHERE job_id IN (${owned})`,
      [userId],
    );
    const [deleted] = await manager.query<[Array<{ id: string; run: number; storage_key: string }>, number]>(
      `DELETE FROM jobs WHERE owner_id = $1 RETURNING id, run, storage_key`,
      [userId],
    );
    const [, detached] = await manager.query<[unknown, number]>(
      `UPDATE job_issues SET resolved_by = NULL WHERE resolved_by = $1`,
      [userId],
    );
    return {
      counts: { jobs: deleted.length, staged_rows: staged, issues, issues_resolved_detached: detached },
      afterCommit: deleted.map((job) => async () => {
        await this.queue
          .remove(job)
          .catch((e: unknown) => this.logger.warn({ err: e, jobId: job.id }, 'Queue'));
        await this.storage.delete(job.storage_key);
      }),
    };
  }

  private jobsOf(ownerId: string): AsyncGenerator<Job> {
    return keysetRows(this.jobs, { ownerId }, 'id', (job) => job);
  }

  private async *perJob<T>(ownerId: string, each: (job: Job) => AsyncGenerator<T>) {
    for await (const job of this.jobsOf(ownerId)) yield* each(job);
  }
}
