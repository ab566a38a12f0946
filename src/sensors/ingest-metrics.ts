import { Injectable } from '@nestjs/common';

const MAX_REASONS = 50;

/** Counters of the ingestion path, shown under `modules.sensors` in `GET /api/v1/status`. */
@Injectable()
export class IngestMetrics {
  received = 0;
  stored = 0;
  duplicates = 0;
  anomalies = 0;
  rejected = 0;
  writeFailures = 0;
  /** Readings PostgreSQL refused for good, set aside in `sensor_readings_rejected`, by SQLSTATE. */
  readonly setAsideBySqlstate = new Map<string, number>();
  batches = 0;
  lastBatchRows = 0;
  lastBatchMs = 0;
  /** Rejections by reason, so an operator sees at once what devices get wrong. */
  readonly rejectedByReason = new Map<string, number>();

  reject(reason: string): void {
    this.rejected += 1;
    const key =
      this.rejectedByReason.has(reason) || this.rejectedByReason.size < MAX_REASONS ? reason : 'other';
    this.rejectedByReason.set(key, (this.rejectedByReason.get(key) ?? 0) + 1);
  }

  setAside(sqlstate: string): void {
    this.setAsideBySqlstate.set(sqlstate, (this.setAsideBySqlstate.get(sqlstate) ?? 0) + 1);
  }

  batch(rows: number, ms: number, stored: number): void {
    this.batches += 1;
    this.lastBatchRows = rows;
    this.lastBatchMs = Math.round(ms * 10) / 10;
    this.stored += stored;
    this.duplicates += rows - stored;
  }

  snapshot() {
    return {
      received: this.received,
      stored: this.stored,
      duplicates: this.duplicates,
      anomalies: this.anomalies,
      rejected: this.rejected,
      rejected_by_reason: Object.fromEntries(this.rejectedByReason),
      write_failures: this.writeFailures,
      set_aside: Object.fromEntries(this.setAsideBySqlstate),
      batches: this.batches,
      last_batch: { rows: this.lastBatchRows, ms: this.lastBatchMs },
    };
  }
}
