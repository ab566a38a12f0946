import { OnJob, QueueWorker } from '../../common/queue/queue-worker.decorators.js';
import { SENSORS_QUEUE, SensorsJob } from '../sensors.queue.js';
import { RetentionResult, RetentionService } from '../services/retention.service.js';

/** Runs the retention sweep that the daily cron enqueues. */
@QueueWorker(SENSORS_QUEUE)
export class RetentionProcessor {
  constructor(private readonly retention: RetentionService) {}

  @OnJob(SENSORS_QUEUE, SensorsJob.RETENTION)
  handle(): Promise<RetentionResult> {
    return this.retention.purge();
  }
}
