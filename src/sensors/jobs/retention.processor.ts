import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { runWithRequestId, type WithRequestId } from '../../common/context/request-context.js';
import { RetentionResult, RetentionService } from '../retention.service.js';

export const SENSORS_QUEUE = 'sensors';
export const RETENTION_JOB = 'retention';

/** Runs the retention sweep that the daily cron enqueues. */
@Processor(SENSORS_QUEUE)
export class RetentionProcessor {
  constructor(private readonly retention: RetentionService) {}

  @Process(RETENTION_JOB)
  handle(job: Job<WithRequestId>): Promise<RetentionResult> {
    return runWithRequestId(job.data.requestId, () => this.retention.purge());
  }
}
