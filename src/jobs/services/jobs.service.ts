import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { AuthUser, Role } from '../../auth/index.js';
import { page, Page, PageQueryDto } from '../../common/pagination/pagination.js';
import { Job, JobStatus } from '../entities/job.entity.js';
import { JobsQueue } from '../jobs.queue.js';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';
import { JobKind, mapHeader } from '../kinds/job-kind.js';
import { VALUE_TYPES, type ValueType } from '../kinds/value-types.js';
import type { Delimiter } from '../upload/csv-records.js';
import type { OnIssues } from '../entities/job.entity.js';
import { JobKindRegistry } from '../kinds/registry.js';
import { ObjectStorage, uploadKey } from '../storage/object-storage.js';
import { CsvIntake, ReceivedFile } from './csv-intake.js';
import { jobLogFields } from './job-events.js';
import { JobsDb } from './jobs-db.js';

/** What the uploader said about the file, beside its kind. */
export interface UploadOptions {
  delimiter?: Delimiter;
  /** XLSX: the worksheet to read (default the first). */
  sheet?: string;
  /** Kind column -> header cell. */
  columns?: Record<string, string>;
  types?: Record<string, ValueType>;
  onIssues?: OnIssues;
}

export interface UploadResult {
  job: Job;
  ignoredColumns: string[];
}

export interface JobListQuery extends PageQueryDto {
  userId?: string;
  status?: JobStatus;
}

const DELETABLE = [JobStatus.PENDING, JobStatus.NEEDS_REVIEW, JobStatus.FAILED];
const REPROCESSABLE = [JobStatus.NEEDS_REVIEW, JobStatus.FAILED];

/** Jobs' life cycle: upload, listing, reprocessing and deletion. Owners see their jobs; admins see every job. */
@Injectable()
export class JobsService {
  private readonly logger = new Logger('Jobs');

  constructor(
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
    private readonly kinds: JobKindRegistry,
    private readonly storage: ObjectStorage,
    private readonly queue: JobsQueue,
    private readonly intake: CsvIntake,
    private readonly db: JobsDb,
  ) {}

  /**
   * Checks the received file, stores it and queues the job. The temporary file is always removed. If the queue
   * does not take the job, the job row and the stored object are rolled back and the caller gets a 503.
   */
  async upload(
    ownerId: string,
    kindName: string,
    file: ReceivedFile | undefined,
    options: UploadOptions = {},
  ): Promise<UploadResult> {
    if (!file) {
      throw new JobsError(JobsErrorCode.FILE_MISSING, "Send the file as a multipart part named 'file'");
    }
    try {
      const kind = this.kinds.get(kindName);
      checkOptions(kind, options);
      const facts = await file.facts({ delimiter: options.delimiter, sheet: options.sheet });
      const { missing, ignored } = mapHeader(kind, facts.header, options.columns);
      if (missing.length > 0) {
        const expected = kind.columns.map((c) => (c.required ? c.name : `${c.name} (optional)`));
        throw new JobsError(
          JobsErrorCode.MISSING_COLUMNS,
          `The header lacks column(s) ${missing.join(', ')} for kind '${kind.name}'. Found: ${
            facts.header.join(', ') || '(none)'
          }. Expected: ${expected.join(', ')} (aliases: GET /api/v1/jobs/kinds; or map them with 'columns')`,
          {
            missing,
            found: facts.header,
            expected: kind.columns.map((c) => ({ name: c.name, required: c.required, aliases: c.aliases })),
            delimiter: facts.delimiter,
            format: facts.format,
          },
        );
      }
      await this.assertNotUploaded(ownerId, file.sha256);

      const key = uploadKey(ownerId, file.filename);
      try {
        await this.storage.put(key, file.path, file.size);
      } catch (e) {
        this.logger.error({ err: e, user_id: ownerId, key }, 'Could not store an upload');
        throw new JobsError(
          JobsErrorCode.STORAGE_UNAVAILABLE,
          'The file store is unavailable; try again later',
        );
      }
      let job: Job;
      try {
        job = await this.jobs.save(
          this.jobs.create({
            ownerId,
            kind: kind.name,
            originalFilename: file.filename,
            contentHash: file.sha256,
            storageKey: key,
            encoding: facts.encoding,
            format: facts.format,
            options: {
              delimiter: facts.delimiter,
              compression: file.compression,
              ...(facts.format === 'jsonl' && { keys: facts.header }),
              ...(facts.format === 'xlsx' && options.sheet && { sheet: options.sheet }),
              ...(options.columns && { columns: options.columns }),
              ...(options.types && { types: options.types }),
              ...(options.onIssues && { onIssues: options.onIssues }),
            },
            sizeBytes: String(file.size),
            totalRows: facts.dataRows,
          }),
        );
      } catch (e) {
        await this.storage.delete(key).catch(() => undefined);
        if (isUniqueViolation(e)) return this.duplicate(ownerId, file.sha256);
        throw e;
      }
      try {
        await this.queue.enqueue(job);
      } catch (e) {
        await this.jobs.delete({ id: job.id });
        await this.storage.delete(key).catch(() => undefined);
        this.logger.error({ err: e, ...jobLogFields(job) }, 'Could not queue a job; upload rolled back');
        throw new JobsError(
          JobsErrorCode.QUEUE_UNAVAILABLE,
          'The job queue is unavailable; the upload was not kept, try again later',
        );
      }
      this.logger.log(
        {
          ...jobLogFields(job),
          kind: job.kind,
          rows: job.totalRows,
          bytes: file.size,
          encoding: facts.encoding,
        },
        'Job uploaded and queued',
      );
      return { job, ignoredColumns: ignored };
    } finally {
      await this.intake.discard(file);
    }
  }

  async list(user: AuthUser, query: JobListQuery): Promise<Page<Job>> {
    const ownerId = query.userId && isAdmin(user) ? query.userId : user.id;
    const qb = this.jobs
      .createQueryBuilder('j')
      .where('j.ownerId = :ownerId', { ownerId })
      .orderBy('j.createdAt', 'DESC')
      .addOrderBy('j.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.status) qb.andWhere('j.status = :status', { status: query.status });
    const [items, total] = await qb.getManyAndCount();
    return page(items, total, query);
  }

  /** Every job, newest first, for the CLI. */
  async listAll(query: JobListQuery): Promise<Page<Job>> {
    const qb = this.jobs
      .createQueryBuilder('j')
      .orderBy('j.createdAt', 'DESC')
      .addOrderBy('j.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.userId) qb.andWhere('j.ownerId = :ownerId', { ownerId: query.userId });
    if (query.status) qb.andWhere('j.status = :status', { status: query.status });
    const [items, total] = await qb.getManyAndCount();
    return page(items, total, query);
  }

  /** The job if the user owns it or is an admin; 404 otherwise (another user's job is not revealed). */
  async get(user: AuthUser, id: string): Promise<Job> {
    const job = await this.jobs.findOne({ where: { id } });
    if (!job || (job.ownerId !== user.id && !isAdmin(user))) {
      throw new JobsError(JobsErrorCode.JOB_NOT_FOUND, `Job ${id} not found`);
    }
    return job;
  }

  /** Starts a NEEDS_REVIEW or FAILED job again from its file: staged rows and issues are dropped. */
  async reprocess(user: AuthUser, id: string): Promise<Job> {
    await this.get(user, id);
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: JobStatus }>(
        `SELECT status FROM jobs WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const status = rows[0]?.status;
      if (!status) throw new JobsError(JobsErrorCode.JOB_NOT_FOUND, `Job ${id} not found`);
      if (status === JobStatus.PENDING || status === JobStatus.PROCESSING) {
        throw new JobsError(JobsErrorCode.JOB_BUSY, `Job ${id} is ${status}; wait for it to finish`);
      }
      if (!REPROCESSABLE.includes(status)) {
        throw new JobsError(JobsErrorCode.JOB_NOT_REPROCESSABLE, `A ${status} job cannot be reprocessed`);
      }
      await tx.query(`DELETE FROM job_issues WHERE job_id = $1`, [id]);
      await tx.query(`DELETE FROM staging WHERE job_id = $1`, [id]);
      await tx.query(
        `UPDATE jobs SET status = 'PENDING', run = run + 1, processed_rows = 0, issue_count = 0, loaded_rows = 0,
           error = NULL, process_started_at = NULL, process_ended_at = NULL, updated_at = now()
         WHERE id = $1`,
        [id],
      );
    });
    const job = await this.jobs.findOneByOrFail({ id });
    try {
      await this.queue.enqueue(job);
    } catch (e) {
      await this.jobs.update(
        { id },
        { status: JobStatus.FAILED, error: `Could not queue the job: ${(e as Error).message}` },
      );
      throw new JobsError(JobsErrorCode.QUEUE_UNAVAILABLE, 'The job queue is unavailable; try again later');
    }
    this.logger.log({ ...jobLogFields(job), run: job.run }, 'Job queued again');
    return job;
  }

  /** Deletes a PENDING, NEEDS_REVIEW or FAILED job with its staged rows, issues, queued run and stored file. */
  async delete(user: AuthUser, id: string): Promise<void> {
    await this.get(user, id);
    const job = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: JobStatus }>(
        `SELECT status FROM jobs WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const status = rows[0]?.status;
      if (!status) throw new JobsError(JobsErrorCode.JOB_NOT_FOUND, `Job ${id} not found`);
      if (!DELETABLE.includes(status)) {
        throw new JobsError(
          JobsErrorCode.JOB_NOT_DELETABLE,
          `A ${status} job cannot be deleted (only ${DELETABLE.join(', ')})`,
        );
      }
      const found = (await this.jobs.findOneByOrFail({ id })) as Job;
      await tx.query(`DELETE FROM job_issues WHERE job_id = $1`, [id]);
      await tx.query(`DELETE FROM staging WHERE job_id = $1`, [id]);
      await tx.query(`DELETE FROM jobs WHERE id = $1`, [id]);
      return found;
    });
    await this.queue
      .remove(job)
      .catch((e: unknown) => this.logger.warn({ err: e, ...jobLogFields(job) }, 'Queue'));
    await this.storage
      .delete(job.storageKey)
      .catch((e: unknown) =>
        this.logger.warn({ err: e, ...jobLogFields(job) }, 'Could not delete a stored file'),
      );
    this.logger.log({ ...jobLogFields(job), by: user.id }, 'Job deleted');
  }

  private async assertNotUploaded(ownerId: string, sha256: string): Promise<void> {
    const existing = await this.jobs.findOne({ where: { ownerId, contentHash: sha256 } });
    if (existing) await this.duplicate(ownerId, sha256);
  }

  private async duplicate(ownerId: string, sha256: string): Promise<never> {
    const existing = await this.jobs.findOne({ where: { ownerId, contentHash: sha256 } });
    throw new JobsError(
      JobsErrorCode.DUPLICATE_UPLOAD,
      `You already uploaded this file (job ${existing?.id ?? 'unknown'})`,
      { job_id: existing?.id },
    );
  }
}

/** The uploader's mapping and types must name columns of the kind. */
function checkOptions(kind: JobKind, options: UploadOptions): void {
  const known = new Set(kind.columns.map((c) => c.name));
  for (const [field, value] of [
    ['columns', options.columns],
    ['types', options.types],
  ] as const) {
    const unknown = Object.keys(value ?? {}).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      throw new JobsError(
        JobsErrorCode.UNKNOWN_FIELD,
        `'${field}' names unknown column(s) ${unknown.join(', ')} for kind '${kind.name}'; expected ${[
          ...known,
        ].join(', ')}`,
      );
    }
  }
  const badTypes = Object.entries(options.types ?? {}).filter(([, t]) => !VALUE_TYPES.includes(t));
  if (badTypes.length > 0) {
    throw new JobsError(
      JobsErrorCode.UNKNOWN_FIELD,
      `Unknown type(s) ${badTypes.map(([c, t]) => `${c}: ${String(t)}`).join(', ')}; expected one of ${VALUE_TYPES.join(', ')}`,
    );
  }
}

export function isAdmin(user: AuthUser): boolean {
  return user.role === Role.ADMIN;
}

function isUniqueViolation(e: unknown): boolean {
  return (
    e instanceof QueryFailedError &&
    (e as QueryFailedError & { driverError?: { code?: string } }).driverError?.code === '23505'
  );
}
