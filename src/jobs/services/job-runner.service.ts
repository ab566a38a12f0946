import { Inject, Injectable } from '@nestjs/common';
import iconv from 'iconv-lite';
import { hash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Job, JobStatus } from '../entities/job.entity.js';
import type { RowProblem } from '../entities/staging-row.entity.js';
import type { ProcessJobData } from '../jobs.queue.js';
import { jobsConfig, type JobsConfig } from '../jobs.config.js';
import { JobKind, mapHeader, RowValues } from '../kinds/job-kind.js';
import { JobKindRegistry } from '../kinds/registry.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { CsvFormatError } from '../upload/csv-records.js';
import { RecordBatch, recordReader } from '../upload/record-formats.js';
import { xlsxRecords } from '../upload/xlsx-records.js';
import { JobsError } from '../jobs.errors.js';
import { applyTypes } from '../kinds/value-types.js';
import { IssueLedger } from './issue-ledger.js';
import { JobEvents } from './job-events.js';
import { JobsDb } from './jobs-db.js';

/** The records of a text upload (CSV or JSON Lines), decoded and cut by the reader the upload's sniffer used. */
async function* textRecords(job: Job, source: Readable): AsyncGenerator<RecordBatch> {
  // iconv-lite's decoder is a Transform, typed as a bare ReadWriteStream.
  const text: Readable =
    job.encoding === 'utf-8'
      ? source.setEncoding('utf8')
      : (source.pipe(iconv.decodeStream('win1252')) as unknown as Readable);
  source.once('error', (e) => text.destroy(e));
  const options = job.options ?? {};
  const parser = recordReader({
    format: job.format,
    delimiter: options.delimiter ?? ',',
    keys: options.keys,
  });
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      const records = parser.push(chunk);
      yield { records, lines: parser.lines, invalid: parser.invalid };
    }
    const records = parser.end();
    yield { records, lines: parser.lines, invalid: parser.invalid };
  } finally {
    text.destroy();
  }
}

/** A problem with the file itself: retrying cannot help, the job fails at once with this reason. */
export class JobInputError extends Error {}

/**
 * The stored upload cannot be read back (removed, storage failing): the job fails at once like on a bad file, but
 * the file was ours to keep, so it is reported as an error of ours too.
 */
export class StoredFileUnreadable extends JobInputError {}

/** A job with this many rows has `staging` analyzed before its checks (see `JobRunner.analyzeStaging`). */
const ANALYZE_FROM_ROWS = 1000;

/** Bytes of COPY text handed to the database per write. */
const COPY_CHUNK_BYTES = 256 * 1024;

/**
 * One run of a job: stream the stored file into `staging` in COPY batches, raise issues, then either wait for
 * review or load. Every step can be repeated after a crash: staging resumes after the last committed batch (each
 * batch is one COPY, so it is all there or not at all), issue inserts are keyed by (row, type, field), and the
 * load happens once under the job's row lock.
 */
@Injectable()
export class JobRunner {
  constructor(
    private readonly db: JobsDb,
    private readonly kinds: JobKindRegistry,
    private readonly storage: ObjectStorage,
    private readonly ledger: IssueLedger,
    private readonly events: JobEvents,
    @Inject(jobsConfig.KEY) private readonly config: JobsConfig,
  ) {}

  /** Resolves with the status the run ended in, or nothing when there was nothing to run (stale or deleted). */
  async run(data: ProcessJobData, finalAttempt: boolean): Promise<JobStatus | undefined> {
    const job = await this.start(data);
    if (!job) return undefined;
    try {
      const kind = this.kinds.get(job.kind);
      let since = performance.now();
      const lap = () => {
        const ms = Math.round(performance.now() - since);
        since = performance.now();
        return ms;
      };
      // The run that loads a reviewed job has every row staged already: the file need not be read again.
      const staged = data.staged
        ? { resumed: true, rowsWithProblems: 0, copyWaitMs: 0 }
        : await this.stage(job, kind);
      const stageMs = lap();
      this.events.log(job, 'Job staged', {
        rows: job.processedRows,
        duration_ms: stageMs,
        copy_wait_ms: staged.copyWaitMs,
      });
      if (job.processedRows >= ANALYZE_FROM_ROWS) await this.analyzeStaging(job);
      await this.db.transaction(async (tx) => {
        // A fresh run knows whether any row had problems; a resumed one must look at every staged row.
        if (staged.resumed || staged.rowsWithProblems > 0) await this.ledger.recordRowProblems(tx, job.id);
        await this.ledger.runSetChecks(tx, job.id, kind);
        await this.ledger.refreshRowStatuses(tx, job.id);
        await this.ledger.capIssues(tx, job.id, this.config.maxIssues);
        if (job.options.onIssues === 'load_valid') {
          const rejected = await this.ledger.rejectOpenIssues(tx, job.id, null);
          if (rejected > 0) this.events.log(job, 'Rows with issues rejected', { rejected });
        }
      });
      const checkMs = lap();
      this.events.log(job, 'Job checked', { duration_ms: checkMs });
      const settled = await this.ledger.settle(job.id);
      const settleMs = lap();
      this.events.log(job, 'Job settled', { duration_ms: settleMs });
      await this.recordTimings(job, {
        stage_ms: stageMs,
        copy_wait_ms: staged.copyWaitMs,
        check_ms: checkMs,
        load_ms: settleMs,
      });
      return settled?.status;
    } catch (e) {
      if (e instanceof JobInputError || finalAttempt) {
        await this.fail(job, e instanceof Error ? e.message : String(e));
        if (!(e instanceof JobInputError) || e instanceof StoredFileUnreadable)
          this.events.error(job, 'Job failed', e);
        return JobStatus.FAILED;
      }
      this.events.warn(job, 'Job run interrupted; it will be retried', { err: e });
      throw e;
    }
  }

  /**
   * Fresh statistics on `staging` before the set checks. Without them PostgreSQL takes this job's rows for one
   * or none (its id is in no statistics yet, and after an autoanalyze that saw one big job it is estimated at a
   * single row) and joins them in a nested loop that runs a grouping of the whole job once per row: a
   * 500,000-row check that takes a second ran for more than 14 minutes. ANALYZE samples a fixed number of rows.
   */
  private async analyzeStaging(job: Job): Promise<void> {
    try {
      await this.db.withClient((c) => c.query(`ANALYZE staging`));
    } catch (e) {
      // Only a role that does not own the table cannot: the checks still run, with older statistics.
      this.events.warn(job, 'ANALYZE staging failed; checking with older statistics', { err: e });
    }
  }

  /** Where the run's time went, kept on the job (`timings`) for the benchmark and for whoever wonders. */
  private async recordTimings(job: Job, timings: Record<string, number>): Promise<void> {
    await this.db.withClient((c) =>
      c.query(`UPDATE jobs SET timings = $2 WHERE id = $1`, [job.id, JSON.stringify(timings)]),
    );
  }

  /** Marks a run FAILED with its reason (also used when the queue gives up on a run). */
  async fail(job: Pick<Job, 'id' | 'ownerId' | 'run'>, reason: string): Promise<void> {
    const updated = await this.db.withClient(async (c) => {
      const { rows } = await c.query<RawJob>(
        `UPDATE jobs SET status = 'FAILED', error = $3, process_ended_at = clock_timestamp(), updated_at = now()
         WHERE id = $1 AND run = $2 AND status IN ('PENDING', 'PROCESSING')
         RETURNING ${RAW_JOB}`,
        [job.id, job.run, reason.slice(0, 2000)],
      );
      return rows[0];
    });
    if (!updated) return;
    this.events.progress(fromRaw(updated));
    this.events.warn(job, 'Job failed', { reason });
  }

  /** Claims the run: PENDING (or PROCESSING, after a crash) becomes PROCESSING; a stale or deleted run is skipped. */
  private async start(data: ProcessJobData): Promise<Job | undefined> {
    const raw = await this.db.withClient(async (c) => {
      const { rows } = await c.query<RawJob>(
        `UPDATE jobs SET status = 'PROCESSING', error = NULL,
           process_started_at = coalesce(process_started_at, now()), updated_at = now()
         WHERE id = $1 AND run = $2 AND status IN ('PENDING', 'PROCESSING')
         RETURNING ${RAW_JOB}`,
        [data.jobId, data.run],
      );
      return rows[0];
    });
    if (!raw) return undefined;
    const job = fromRaw(raw);
    const message = data.staged
      ? 'Job loading after review'
      : job.processedRows > 0
        ? 'Job resumed'
        : 'Job started';
    this.events.log(job, message, { run: job.run });
    this.events.progress(job);
    return job;
  }

  private async stage(
    job: Job,
    kind: JobKind,
  ): Promise<{ resumed: boolean; rowsWithProblems: number; copyWaitMs: number }> {
    const resumeAfter = await this.db.withClient(async (c) => {
      const { rows } = await c.query<{ n: number }>(
        `SELECT coalesce(max(row_number), 0)::int AS n FROM staging WHERE job_id = $1`,
        [job.id],
      );
      return rows[0].n;
    });
    let stored: Readable;
    try {
      stored = await this.storage.read(job.storageKey);
    } catch (e) {
      throw new StoredFileUnreadable(
        `The stored file ${job.storageKey} cannot be read: ${(e as Error).message}`,
      );
    }
    const options = job.options ?? {};
    const source: Readable = options.compression === 'gzip' ? stored.pipe(createGunzip()) : stored;
    if (source !== stored) stored.once('error', (e) => source.destroy(e));
    const batches = job.format === 'xlsx' ? xlsxRecords(source, options.sheet) : textRecords(job, source);
    const writer = new StagingWriter(this.db, job.id);
    const types = options.types ?? {};
    const typed = Object.keys(types).length > 0;
    let columns: Array<[string, number]> | undefined;
    let rowNumber = 0;
    const stageRecords = async ({ records, lines, invalid }: RecordBatch): Promise<void> => {
      for (let r = 0; r < records.length; r++) {
        const record = records[r];
        if (!columns) {
          columns = [...mapHeader(kind, record, options.columns).indexes];
          continue;
        }
        rowNumber++;
        if (rowNumber <= resumeAfter) continue;
        const values: RowValues = {};
        for (const [name, index] of columns) {
          const value = index >= 0 ? record[index]?.trim() : undefined;
          values[name] = value ? value : null;
        }
        if (typed) applyTypes(values, types);
        const unreadable = invalid?.get(r);
        const problems = unreadable
          ? [{ type: 'MALFORMED_RECORD', field: '', message: `Line ${lines[r]}: ${unreadable}`, value: null }]
          : kind.validateRow(values);
        await writer.add(rowNumber, lines[r], values, problems);
        if (writer.batchRows >= this.config.batchRows) {
          await writer.commit();
          await this.progress(job, rowNumber);
        }
      }
    };
    try {
      for await (const batch of batches) await stageRecords(batch);
      await writer.commit();
    } catch (e) {
      source.destroy();
      stored.destroy();
      await writer.abort();
      if (e instanceof CsvFormatError) throw new JobInputError(`Malformed CSV: ${e.message}`);
      if (e instanceof JobsError) throw new JobInputError(e.message);
      if ((e as { code?: string }).code?.startsWith('Z_'))
        throw new JobInputError(`Malformed gzip: ${(e as Error).message}`);
      throw e;
    } finally {
      writer.release();
    }
    if (rowNumber === 0) throw new JobInputError('The file has no data rows');
    await this.db.withClient((c) =>
      c.query(`UPDATE jobs SET processed_rows = $2, total_rows = $2, updated_at = now() WHERE id = $1`, [
        job.id,
        rowNumber,
      ]),
    );
    job.processedRows = rowNumber;
    job.totalRows = rowNumber;
    this.events.progress(job);
    return {
      resumed: resumeAfter > 0,
      rowsWithProblems: writer.rowsWithProblems,
      copyWaitMs: Math.round(writer.waitMs),
    };
  }

  private async progress(job: Job, rows: number): Promise<void> {
    await this.db.withClient((c) =>
      c.query(`UPDATE jobs SET processed_rows = $2, updated_at = now() WHERE id = $1`, [job.id, rows]),
    );
    job.processedRows = rows;
    this.events.progress(job);
  }
}

/**
 * Writes staged rows with COPY, one COPY statement per batch: a batch is committed whole or not at all, which
 * is what lets a restarted run resume after the last staged row. Rows stream to the database while the file is
 * still being parsed.
 */
class StagingWriter {
  private client: PoolClient | undefined;
  private copy: ReturnType<typeof copyFrom> | undefined;
  /** COPY text of the rows not sent yet, encoded as it comes (no joined string to build and encode again). */
  private pending = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  private pendingBytes = 0;
  batchRows = 0;
  rowsWithProblems = 0;
  /** Time spent waiting for the database to take rows (the rest of staging is parsing and checking). */
  waitMs = 0;

  constructor(
    private readonly db: JobsDb,
    private readonly jobId: string,
  ) {}

  async add(rowNumber: number, lineNumber: number, values: RowValues, problems: RowProblem[]): Promise<void> {
    const json = JSON.stringify(values);
    const line =
      `${this.jobId}\t${rowNumber}\t${lineNumber}\t${hash('sha1', json)}\t${copyText(json)}\t` +
      (problems.length > 0 ? `${copyText(JSON.stringify(problems))}\tISSUE\n` : `\\N\tREADY\n`);
    if (problems.length > 0) this.rowsWithProblems++;
    // A UTF-16 unit is at most 3 UTF-8 bytes: flush first when the line might not fit.
    if (this.pendingBytes + line.length * 3 > this.pending.length) await this.flush();
    if (line.length * 3 > this.pending.length) await this.send(Buffer.from(line));
    else this.pendingBytes += this.pending.write(line, this.pendingBytes);
    this.batchRows++;
  }

  async commit(): Promise<void> {
    await this.flush();
    const copy = this.copy;
    if (!copy) return;
    this.copy = undefined;
    this.batchRows = 0;
    const since = performance.now();
    const finished = once(copy, 'finish');
    copy.end();
    await finished;
    this.waitMs += performance.now() - since;
  }

  /** Drops the batch in progress (its COPY never completes, so none of its rows are kept). */
  async abort(): Promise<void> {
    this.copy?.destroy();
    this.copy = undefined;
    this.client?.release(true);
    this.client = undefined;
  }

  release(): void {
    this.client?.release();
    this.client = undefined;
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunk = this.pending.subarray(0, this.pendingBytes);
    // The COPY stream may keep the chunk until it is sent: the next rows go to a new buffer.
    this.pending = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
    this.pendingBytes = 0;
    await this.send(chunk);
  }

  private async send(chunk: Buffer): Promise<void> {
    if (!this.copy) {
      this.client ??= await this.db.acquire();
      this.copy = this.client.query(
        copyFrom(
          `COPY staging (job_id, row_number, line_number, row_hash, data, problems, status) FROM STDIN`,
        ),
      );
    }
    if (!this.copy.write(chunk)) {
      const since = performance.now();
      await once(this.copy, 'drain');
      this.waitMs += performance.now() - since;
    }
  }
}

/** COPY text format: JSON never holds raw tabs or newlines, so only backslashes need escaping. */
function copyText(json: string): string {
  return json.includes('\\') ? json.replace(/\\/g, '\\\\') : json;
}

type RawJob = {
  id: string;
  owner_id: string;
  kind: string;
  storage_key: string;
  encoding: string;
  status: JobStatus;
  run: number;
  total_rows: number | null;
  processed_rows: number;
  issue_count: number;
  format: Job['format'];
  options: Job['options'];
};
const RAW_JOB = `id, owner_id, kind, storage_key, encoding, status, run, total_rows, processed_rows, issue_count,
  format, options`;

function fromRaw(raw: RawJob): Job {
  return Object.assign(new Job(), {
    id: raw.id,
    ownerId: raw.owner_id,
    kind: raw.kind,
    storageKey: raw.storage_key,
    encoding: raw.encoding,
    status: raw.status,
    run: raw.run,
    totalRows: raw.total_rows,
    processedRows: raw.processed_rows,
    issueCount: raw.issue_count,
    format: raw.format,
    options: raw.options,
  });
}
