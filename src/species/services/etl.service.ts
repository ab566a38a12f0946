import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { PageQueryDto, page, Page } from '../../common/pagination/pagination.js';
import { EtlMode, EtlParameters, EtlRun, EtlRunStatus, EtlTrigger } from '../entities/etl-run.entity.js';
import { speciesConfig, type SpeciesConfig } from '../species.config.js';
import { invalidParameter, SpeciesError, SpeciesErrorCode } from '../species.errors.js';
import { MAX_PAGE_SIZE, ObisClient } from '../etl/obis.client.js';
import { MappedObservation, mapObisRecord } from '../etl/obis-mapper.js';
import type { ObisRecord } from '../etl/obis-record.js';
import { CuratedObservationWriter } from '../repositories/curated-observation.writer.js';
import { SpeciesQueue } from '../species.queue.js';
import { VernacularNamesService } from './vernacular-names.service.js';

export interface EtlRequest {
  mode: EtlMode;
  startDate?: string;
  endDate?: string;
  taxonId?: string;
  scientificName?: string;
  geometry?: string;
  pages?: number;
  size?: number;
}

/** A fetched page, mapped and named, ready to be stored. */
interface PreparedPage {
  total: number;
  records: ObisRecord[];
  rows: MappedObservation[];
  skipped: number;
  /** WoRMS look-ups that failed. */
  failures: number;
  /** `id` of the page's last record. */
  cursor: string | null;
}

const DAY_MS = 86_400_000;

/** What a run asks OBIS for, without how it pages: two runs with the same query cover the same records. */
function queryOf(parameters: EtlParameters): Omit<EtlParameters, 'size' | 'pages'> {
  const { size: _size, pages: _pages, ...query } = parameters;
  return query;
}
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * OBIS -> PostGIS loads. A run is created with fixed parameters, then executed page by page; each page's rows and
 * the run's counters and cursor are committed together, so a failed or interrupted run resumes exactly after the
 * last stored page.
 */
@Injectable()
export class EtlService {
  private readonly logger = new Logger(EtlService.name);

  constructor(
    @InjectRepository(EtlRun) private readonly runs: Repository<EtlRun>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: SpeciesQueue,
    private readonly obis: ObisClient,
    private readonly names: VernacularNamesService,
    private readonly writer: CuratedObservationWriter,
    @Inject(speciesConfig.KEY) private readonly config: SpeciesConfig,
  ) {}

  /** Records a run with its parameters resolved (an incremental run without dates gets the default window). */
  async createRun(request: EtlRequest, trigger: EtlTrigger, now = new Date()): Promise<EtlRun> {
    const parameters = this.parameters(request, now);
    return this.runs.save(this.runs.create({ mode: request.mode, parameters, trigger }));
  }

  /** Creates a run and queues it for a worker. */
  async enqueue(request: EtlRequest, trigger: EtlTrigger): Promise<EtlRun> {
    const run = await this.createRun(request, trigger);
    await this.queue.enqueueRun(run.id);
    return run;
  }

  /** Queues a failed or interrupted run again; it goes on from its cursor. */
  async enqueueResume(runId: string): Promise<EtlRun> {
    const run = await this.resumable(runId);
    await this.runs.update(run.id, { status: EtlRunStatus.QUEUED });
    await this.queue.enqueueResume(run.id);
    return this.get(run.id);
  }

  /** A run that can be continued: not finished, and not being executed right now (a crashed worker's run is). */
  async resumable(runId: string): Promise<EtlRun> {
    const run = await this.get(runId);
    if (run.status === EtlRunStatus.SUCCEEDED)
      throw new SpeciesError(SpeciesErrorCode.ETL_RUN_NOT_RESUMABLE, `ETL run ${runId} already succeeded`);
    if (await this.isExecuting(run.id))
      throw new SpeciesError(SpeciesErrorCode.ETL_RUN_NOT_RESUMABLE, `ETL run ${runId} is running`);
    return run;
  }

  private async isExecuting(runId: string): Promise<boolean> {
    const [{ free }] = await this.db.query<Array<{ free: boolean }>>(
      `SELECT pg_try_advisory_xact_lock(hashtextextended('species-etl:' || $1, 0)) AS free`,
      [runId],
    );
    return !free;
  }

  async get(id: string): Promise<EtlRun> {
    const run = UUID.test(id) ? await this.runs.findOne({ where: { id } }) : null;
    if (!run) throw new SpeciesError(SpeciesErrorCode.ETL_RUN_NOT_FOUND, `ETL run ${id} not found`);
    return run;
  }

  async list(query: PageQueryDto): Promise<Page<EtlRun>> {
    const [items, total] = await this.runs.findAndCount({
      order: { createdAt: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return page(items, total, query);
  }

  /**
   * Runs (or resumes) a run to its end. An advisory lock on a dedicated connection makes sure one run is never
   * executed twice at once (a resume racing a worker, two replicas).
   */
  async execute(runId: string, onPage?: (run: EtlRun, total: number) => void): Promise<EtlRun> {
    const lock = this.db.createQueryRunner();
    await lock.connect();
    try {
      const [{ locked }] = (await lock.query(
        `SELECT pg_try_advisory_lock(hashtextextended('species-etl:' || $1, 0)) AS locked`,
        [runId],
      )) as Array<{ locked: boolean }>;
      if (!locked)
        throw new SpeciesError(
          SpeciesErrorCode.ETL_RUN_NOT_RESUMABLE,
          `ETL run ${runId} is running elsewhere`,
        );
      try {
        return await this.executeLocked(runId, onPage);
      } finally {
        await lock.query(`SELECT pg_advisory_unlock(hashtextextended('species-etl:' || $1, 0))`, [runId]);
      }
    } finally {
      await lock.release();
    }
  }

  private async executeLocked(runId: string, onPage?: (run: EtlRun, total: number) => void): Promise<EtlRun> {
    let run = await this.get(runId);
    if (run.status === EtlRunStatus.SUCCEEDED) return run;
    await this.runs.update(run.id, {
      status: EtlRunStatus.RUNNING,
      startedAt: run.startedAt ?? new Date(),
      finishedAt: null,
      lastError: null,
    });
    const p = run.parameters;
    const capped = (pagesDone: number) => p.pages !== undefined && pagesDone >= p.pages;
    try {
      // The next page is fetched, mapped and named while the current one is stored, so HTTP, JSON parsing, mapping
      // and WoRMS look-ups overlap the database work; a failed store drops the prepared page and the cursor stays on
      // the last stored one.
      let next = capped(run.pages) ? undefined : this.preparePage(p, run.cursor);
      // Whether OBIS ran out of records for the query (rather than the run stopping at its page cap).
      let exhausted = false;
      while (next) {
        const page = await next;
        if (page.records.length === 0) {
          exhausted = true;
          break;
        }
        // A server that ignores `after` would hand back the same page forever.
        const previous = run.cursor;
        if (previous !== null && page.records.some((r) => r.id === previous))
          throw new SpeciesError(SpeciesErrorCode.OBIS_UNAVAILABLE, `OBIS did not page past ${previous}`);
        const last = page.records.length < p.size;
        const more = !last && !capped(run.pages + 1);
        next = more ? this.preparePage(p, page.cursor) : undefined;
        run = await this.storePage(run, page);
        onPage?.(run, page.total);
        if (last) exhausted = true;
      }
      await this.complete(run, exhausted);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`ETL run ${run.id} failed after ${run.pages} page(s): ${message}`);
      await this.runs.update(run.id, {
        status: EtlRunStatus.FAILED,
        lastError: message.slice(0, 2000),
        finishedAt: new Date(),
      });
      throw error;
    }
    return this.get(run.id);
  }

  /**
   * Marks the run SUCCEEDED. A full run that went through every page of its query (not stopped by `pages`)
   * first removes, in the same transaction, the curated records OBIS no longer returns for that query: those not
   * among the ids this run was given and that are the query's, i.e. seen by the previous full run of the same query
   * (same parameters but `size` and `pages`), or any OBIS record when the query has no filter. A failed run never
   * gets here; a run cut by `pages` removes nothing. The previous runs' ids are dropped: this run's are the new
   * reference.
   */
  private async complete(run: EtlRun, exhausted: boolean): Promise<void> {
    await this.db.transaction(async (manager) => {
      let removed = 0;
      if (run.mode === 'full' && exhausted) {
        const query = queryOf(run.parameters);
        const rows = (await manager.query(
          `WITH previous AS (
             SELECT id FROM etl_runs
             WHERE mode = 'full' AND status = 'succeeded' AND id <> $1
               AND (parameters - 'size' - 'pages') = $2::jsonb
           ),
           gone AS (
             DELETE FROM curated_observations c
             WHERE c.source = 'OBIS'
               AND NOT EXISTS (SELECT 1 FROM etl_run_records r WHERE r.run_id = $1 AND r.obis_id = c.obis_id)
               AND ($3::boolean OR EXISTS (
                 SELECT 1 FROM etl_run_records r JOIN previous p ON p.id = r.run_id WHERE r.obis_id = c.obis_id))
             RETURNING 1
           ),
           forgotten AS (DELETE FROM etl_run_records WHERE run_id IN (SELECT id FROM previous))
           SELECT count(*)::int AS n FROM gone`,
          [run.id, JSON.stringify(query), Object.keys(query).length === 0],
        )) as Array<{ n: number }>;
        removed = rows[0].n;
        if (removed > 0)
          this.logger.log(`ETL run ${run.id} removed ${removed} curated record(s) OBIS no longer returns`);
      }
      await manager.query(
        `UPDATE etl_runs SET status = 'succeeded', finished_at = now(), removed = $2, updated_at = now()
         WHERE id = $1`,
        [run.id, removed],
      );
    });
  }

  /** Fetches, maps and names one page; nothing is written to the run or the observations yet. */
  private preparePage(p: EtlParameters, after: string | null): Promise<PreparedPage> {
    const prepared = this.obis
      .occurrences({
        geometry: p.geometry,
        taxonId: p.taxonId,
        scientificName: p.scientificName,
        startDate: p.startDate,
        endDate: p.endDate,
        size: p.size,
        after,
      })
      .then(async ({ total, results }) => {
        const rows: MappedObservation[] = [];
        let skipped = 0;
        for (const record of results) {
          const mapped = mapObisRecord(record);
          if (mapped.ok) rows.push(mapped.value);
          else skipped += 1;
        }
        const unnamed = rows.filter((r) => r.commonName === null && r.aphiaId !== null);
        const { names, failures } = await this.names.resolve(unnamed.map((r) => r.aphiaId as number));
        for (const row of unnamed) row.commonName = names.get(row.aphiaId as number) ?? null;
        const cursor = results.length > 0 ? results[results.length - 1].id : after;
        return { total, records: results, rows, skipped, failures, cursor };
      });
    // Awaited later (or dropped when storing fails): never an unhandled rejection.
    prepared.catch(() => undefined);
    return prepared;
  }

  /**
   * Writes a page's rows and the run's counters and cursor in one transaction. Its commit does not wait for the WAL
   * flush (synchronous_commit off, this transaction only): a crash may lose the last pages' commits, but rows and
   * cursor are lost together, so a resume fetches exactly those pages again and the upsert stays idempotent.
   */
  private async storePage(run: EtlRun, page: PreparedPage): Promise<EtlRun> {
    const { records, rows, skipped, failures, cursor } = page;
    return this.db.transaction(async (manager) => {
      await manager.query(`SET LOCAL synchronous_commit = off`);
      let inserted = 0;
      let updated = 0;
      for (let i = 0; i < rows.length; i += this.config.upsertBatchSize) {
        const counts = await this.writer.upsert(rows.slice(i, i + this.config.upsertBatchSize), manager);
        inserted += counts.inserted;
        updated += counts.updated;
      }
      // A full run keeps every id OBIS returned (mapped or skipped), with the page: see `complete`.
      if (run.mode === 'full') {
        await manager.query(
          `INSERT INTO etl_run_records (run_id, obis_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
          [run.id, records.map((r) => r.id)],
        );
      }
      await manager.query(
        `UPDATE etl_runs SET pages = pages + 1, fetched = fetched + $2, inserted = inserted + $3,
           updated = updated + $4, skipped = skipped + $5, errors = errors + $6, cursor = $7, updated_at = now()
         WHERE id = $1`,
        [run.id, records.length, inserted, updated, skipped, failures, cursor],
      );
      return Object.assign(new EtlRun(), run, {
        pages: run.pages + 1,
        fetched: run.fetched + records.length,
        inserted: run.inserted + inserted,
        updated: run.updated + updated,
        skipped: run.skipped + skipped,
        errors: run.errors + failures,
        cursor,
      });
    });
  }

  private parameters(request: EtlRequest, now: Date): EtlParameters {
    const size = request.size ?? this.config.obis.pageSize;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
      throw invalidParameter('size', `must be an integer between 1 and ${MAX_PAGE_SIZE}`);
    if (request.pages !== undefined && (!Number.isInteger(request.pages) || request.pages < 1))
      throw invalidParameter('pages', 'must be a positive integer');
    for (const name of ['startDate', 'endDate'] as const) {
      const value = request[name];
      if (value !== undefined && (!ISO_DAY.test(value) || Number.isNaN(Date.parse(value))))
        throw invalidParameter(name, 'must be a date YYYY-MM-DD');
    }
    let { startDate, endDate } = request;
    if (request.mode === 'incremental') {
      endDate ??= now.toISOString().slice(0, 10);
      startDate ??= new Date(Date.parse(endDate) - this.config.incrementalDays * DAY_MS)
        .toISOString()
        .slice(0, 10);
    }
    if (startDate && endDate && startDate > endDate)
      throw invalidParameter('startDate', 'must not be after endDate');
    const parameters: EtlParameters = { size };
    if (startDate) parameters.startDate = startDate;
    if (endDate) parameters.endDate = endDate;
    if (request.taxonId) parameters.taxonId = request.taxonId;
    if (request.scientificName) parameters.scientificName = request.scientificName;
    if (request.geometry) parameters.geometry = request.geometry;
    if (request.pages !== undefined) parameters.pages = request.pages;
    return parameters;
  }
}
