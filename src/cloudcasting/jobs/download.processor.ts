import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { OnJob, QueueWorker } from '../../common/queue/queue-worker.decorators.js';
import { CloudcastingError, CloudcastingErrorCode } from '../cloudcasting.errors.js';
import { CLOUDCASTING_QUEUE, CloudcastingJob, type DownloadJobData } from '../cloudcasting.queue.js';
import { CloudcastingService } from '../services/cloudcasting.service.js';

/** Runs queued downloads, one at a time per replica; the Redis lock in the service makes it one across replicas. */
@QueueWorker(CLOUDCASTING_QUEUE)
export class DownloadProcessor {
  private readonly logger = new Logger(DownloadProcessor.name);

  constructor(private readonly cloudcasting: CloudcastingService) {}

  @OnJob(CLOUDCASTING_QUEUE, CloudcastingJob.DOWNLOAD, { concurrency: 1 })
  async handle(job: Job<DownloadJobData>) {
    try {
      const outcome = await this.cloudcasting.run({
        force: job.data.force,
        jobId: String(job.id),
        onProgress: (task, percent) =>
          void job.progress({ task, percent: Math.round(percent) }).catch(() => undefined),
      });
      return outcome.status === 'published'
        ? { status: outcome.status, set_id: outcome.forecast.setId }
        : { status: outcome.status };
    } catch (e) {
      if (e instanceof CloudcastingError && e.code === CloudcastingErrorCode.DOWNLOAD_RUNNING) {
        this.logger.log(`Job ${job.id} skipped: ${e.message}`);
        return { status: 'skipped', reason: e.message };
      }
      throw e;
    }
  }
}
