import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AnomalyVerdict } from './anomaly-detector.js';
import { IngestMetrics } from './ingest-metrics.js';
import { ReadingsRepository } from './repositories/readings.repository.js';
import type { ValidReading } from './reading.js';
import { sensorsConfig, type SensorsConfig } from './sensors.config.js';

/** A validated reading with the server's anomaly verdict: one row of `sensor_readings`. */
export interface JudgedReading {
  reading: ValidReading;
  verdict: AnomalyVerdict;
  traceId?: string;
}

/** Called once the row's batch is settled: `stored` is false for a duplicate. */
export type WriteCallback = (error: Error | null, stored: boolean) => void;

interface Pending {
  row: JudgedReading;
  done: WriteCallback;
}

/** At most this many batches in flight: more would only queue on the pool and starve the HTTP requests. */
const MAX_CONCURRENT_FLUSHES = 3;

/**
 * Batched persistence, the hot path: rows wait in memory until `maxRows` are pending or `maxWaitMs` has passed
 * since the first, then go to PostgreSQL in one batch (`ReadingsRepository.insertBatch`), where a redelivered
 * message is stored once. Each caller's promise
 * settles after the commit: true when its row was new, false for a duplicate. That is what lets the MQTT
 * consumer acknowledge a message only once it is durable.
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
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
    private readonly metrics: IngestMetrics,
  ) {}

  /** Queues rows; resolves per row (in order) with whether it was new, after the batch holding it committed. */
  write(rows: JudgedReading[]): Promise<boolean[]> {
    return Promise.all(
      rows.map(
        (row) =>
          new Promise<boolean>((resolve, reject) =>
            this.enqueue(row, (error, stored) => (error ? reject(error) : resolve(stored))),
          ),
      ),
    );
  }

  /** The hot path's form of `write`: one row, a plain callback (no promise per message). */
  enqueue(row: JudgedReading, done: WriteCallback): void {
    this.add({ row, done });
  }

  get pending(): number {
    return this.buffer.length;
  }

  private add(pending: Pending): void {
    this.buffer.push(pending);
    if (this.buffer.length >= this.config.batch.maxRows) this.flushSoon(true);
    else this.timer ??= setTimeout(() => this.flushSoon(false), this.config.batch.maxWaitMs);
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
    const started = performance.now();
    try {
      const inserted = await this.readings.insertBatch(batch.map((p) => p.row));
      let stored = 0;
      for (const p of batch) {
        const isNew = inserted.has(keyOf(p.row.reading));
        if (isNew) {
          stored += 1;
          // A duplicate inside one batch is new only once.
          inserted.delete(keyOf(p.row.reading));
        }
        p.done(null, isNew);
      }
      this.metrics.batch(batch.length, performance.now() - started, stored);
    } catch (error) {
      if (batch.length > 1 && isDataError(error)) {
        // One bad row must not hold back the others: write them one by one, so only it fails.
        this.logger.warn(
          `Batch of ${batch.length} readings refused (${(error as Error).message}); writing one by one`,
        );
        for (const p of batch) await this.flush([p]);
        return;
      }
      this.metrics.writeFailures += batch.length;
      this.logger.error({ err: error }, `Batch of ${batch.length} readings failed`);
      for (const p of batch) p.done(error as Error, false);
    }
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

/** SQLSTATE class 22 (data exception): the row itself is wrong, retrying it cannot help. */
export function isDataError(error: unknown): boolean {
  return /^22/.test(String((error as { code?: unknown }).code ?? ''));
}

function keyOf(r: ValidReading): string {
  return `${r.sensorId}\u0000${r.sensorType}\u0000${r.timestamp.getTime()}`;
}
