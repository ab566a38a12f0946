import type { WithRequestId } from '../common/context/request-context.js';

export const SCANS_QUEUE = 'scans';

/** Job names of the scans queue. */
export const ScanJob = {
  /** Run one scan (`{scanId}`); the job id is the scan id. */
  RUN: 'run',
  /** The hourly tick: create and enqueue the scheduled scans due this hour (job id `tick:<hour>`). */
  SCHEDULE_TICK: 'schedule-tick',
} as const;

export interface RunScanData extends WithRequestId {
  scanId: string;
}

export interface ScheduleTickData extends WithRequestId {
  /** The hour the tick is for, ISO (`2026-01-01T10:00:00.000Z`). */
  hour: string;
}
