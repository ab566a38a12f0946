import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { isTransientDbError, sqlstateOf } from '../common/errors/database-errors.js';
import type { AnomalyVerdict } from './anomaly-detector.js';
import { IngestMetrics } from './ingest-metrics.js';
import { ReadingsRepository } from './repositories/readings.repository.js';
import { AnomalyJudge } from './services/anomaly-judge.service.js';
import type { ValidReading } from './reading.js';
import { sensorsConfig, type SensorsConfig } from './sensors.config.js';

/** A validated reading with the server's anomaly verdict: one row of `sensor_readings`. */
export interface JudgedReading {
  reading: ValidReading;
  verdict: AnomalyVerdict;
  /** The correlation id of the message or request that brought it (stored as the row's `trace_id`). */
  traceId?: string;
}

/**
 * Called once the row's batch is settled: `stored` is false for a duplicate or a reading set aside (`setAside` says
 * why PostgreSQL refused it); `verdict` once judged.
 */
export type WriteCallback = (
  error: Error | null,
  stored: boolean,
  verdict?: AnomalyVerdict,
  setAside?: string,
) => void;

interface Pending {
  reading: ValidReading;
  traceId: string | undefined;
  done: WriteCallback;
}

/** What `write` resolves with, per reading. */
export interface WriteResult {
  stored: boolean;
  verdict: AnomalyVerdict;
  /** Why PostgreSQL refused it, when it was set aside instead of stored. */
  setAside?: string;
}

/** At most this many batches in flight: more would only queue on the pool and starve the HTTP requests. */
const MAX_CONCURRENT_FLUSHES = 3;

/**
 * Batched judgement and persistence, the hot path, for every channel (MQTT, HTTP, bulk loads): readings wait in
 * memory until `maxRows` are pending or `maxWaitMs` has passed since the first; then the batch is judged (range,
 * and jump from each sensor's previous value shared by all replicas, `AnomalyJudge`) and goes to PostgreSQL in one
 * statement (`ReadingsRepository.insertBatch`), where a redelivered message is stored once. Each caller settles
 * after the commit: new or duplicate, with the verdict. That is what lets the MQTT transport acknowledge a message
 * only once it is durable.
 */
@Injectable()
export class ReadingWriter implements OnApplicationShutdown {
  private readonly logger = new Logger(ReadingWriter.name);
  private buffer: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing = 0;
  private readonly idle: Array<() => void> = [];

  constructor(
    private readonly readings: ReadingsRepository,
    private readonly judge: AnomalyJudge,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
    private readonly metrics: IngestMetrics,
  ) {}

  /** Queues readings; resolves per reading (in order) after the batch holding it committed. */
  write(readings: ValidReading[], traceId?: string): Promise<WriteResult[]> {
    return Promise.all(
      readings.map(
        (reading) =>
          new Promise<WriteResult>((resolve, reject) =>
            this.enqueue(reading, traceId, (error, stored, verdict, setAside) =>
              error ? reject(error) : resolve({ stored, verdict: verdict as AnomalyVerdict, setAside }),
            ),
          ),
      ),
    );
  }

  /** The hot path's form of `write`: one reading, a plain callback. */
  enqueue(reading: ValidReading, traceId: string | undefined, done: WriteCallback): void {
    this.buffer.push({ reading, traceId, done });
    if (this.buffer.length >= this.config.batch.maxRows) this.flushSoon(true);
    else this.timer ??= setTimeout(() => this.flushSoon(false), this.config.batch.maxWaitMs);
  }

  get pending(): number {
    return this.buffer.length;
  }

  private flushSoon(full: boolean): void {
    if (full && this.flushing >= MAX_CONCURRENT_FLUSHES) return; // the running flush picks the rest up
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.config.batch.maxRows);
    this.flushing += 1;
    void this.flush(batch).finally(() => {
      this.flushing -= 1;
      if (this.buffer.length >= this.config.batch.maxRows) this.flushSoon(true);
      else if (this.buffer.length > 0)
        this.timer ??= setTimeout(() => this.flushSoon(false), this.config.batch.maxWaitMs);
      else if (this.flushing === 0) this.idle.splice(0).forEach((done) => done());
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    let verdicts: AnomalyVerdict[];
    try {
      verdicts = await this.judge.judgeBatch(batch.map((p) => p.reading));
    } catch (error) {
      this.metrics.writeFailures += batch.length;
      this.logger.error({ err: error }, `Judging a batch of ${batch.length} readings failed`);
      for (const p of batch) p.done(error as Error, false);
      return;
    }
    await this.persist(
      batch.map((p, i) => ({ reading: p.reading, verdict: verdicts[i], traceId: p.traceId })),
      batch.map((p) => p.done),
    );
  }

  private async persist(rows: JudgedReading[], callbacks: WriteCallback[]): Promise<void> {
    const started = performance.now();
    try {
      const inserted = await this.readings.insertBatch(rows);
      let stored = 0;
      rows.forEach((row, i) => {
        const isNew = inserted === 'all' || inserted.has(keyOf(row.reading));
        if (isNew) {
          stored += 1;
          // A duplicate inside one batch is new only once.
          if (inserted !== 'all') inserted.delete(keyOf(row.reading));
        }
        callbacks[i](null, isNew, row.verdict);
      });
      this.metrics.batch(rows.length, performance.now() - started, stored);
    } catch (error) {
      if (!isTransientDbError(error)) {
        if (rows.length > 1) {
          // One bad row must not hold back the others: write them one by one, so only it is refused.
          this.logger.warn(
            `Batch of ${rows.length} readings refused (${(error as Error).message}); writing one by one`,
          );
          for (let i = 0; i < rows.length; i++) await this.persist([rows[i]], [callbacks[i]]);
          return;
        }
        const aside = await this.setAside(rows[0], error);
        if (aside !== undefined) {
          callbacks[0](null, false, rows[0].verdict, aside);
          return;
        }
      }
      this.metrics.writeFailures += rows.length;
      this.logger.error({ err: error }, `Batch of ${rows.length} readings failed`);
      rows.forEach((row, i) => callbacks[i](error as Error, false, row.verdict));
    }
  }

  /**
   * A reading PostgreSQL refuses for good goes to the dead-letter table with the reason, and counts as settled (an MQTT
   * message is acknowledged): retrying it would fail the same way for ever. Resolves with the reason; undefined when
   * that write fails too (the database is down), and the caller treats the row as failed, to be retried.
   */
  private async setAside(row: JudgedReading, error: unknown): Promise<string | undefined> {
    const code = sqlstateOf(error);
    // PostgreSQL's detail says what in the row it refused ("Unicode low surrogate must follow a high surrogate.").
    const detail = (error as { detail?: unknown }).detail;
    const reason =
      typeof detail === 'string' && detail
        ? `${(error as Error).message}: ${detail}`
        : (error as Error).message;
    try {
      await this.readings.setAside(row, reason, code);
    } catch (failure) {
      this.logger.error({ err: failure }, `Could not set aside a refused reading of ${row.reading.sensorId}`);
      return undefined;
    }
    this.metrics.setAside(code ?? 'unknown');
    this.logger.warn(
      { sensor_id: row.reading.sensorId, sqlstate: code, reason },
      `Reading of ${row.reading.sensorId} refused by PostgreSQL (${code}): set aside in sensor_readings_rejected`,
    );
    return reason;
  }

  /** Resolves once every queued row has been written (shutdown, tests). */
  async drain(): Promise<void> {
    if (this.buffer.length === 0 && this.flushing === 0) return;
    const done = new Promise<void>((resolve) => this.idle.push(resolve));
    this.flushSoon(false);
    await done;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
  }
}

function keyOf(r: ValidReading): string {
  return `${r.sensorId}\u0000${r.sensorType}\u0000${r.timestamp.getTime()}`;
}
