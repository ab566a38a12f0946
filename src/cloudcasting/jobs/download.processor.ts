import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { runWithRequestId } from '../../common/context/request-context.js';
import { CloudcastingError, CloudcastingErrorCode } from '../cloudcasting.errors.js';
import { CloudcastingService } from '../services/cloudcasting.service.js';
import { CLOUDCASTING_QUEUE, DOWNLOAD_JOB, DownloadJobData } from './download-jobs.js';

/** Runs queued downloads, one at a time per replica; the Redis lock in the service makes it one across replicas. */
@Processor(CLOUDCASTING_QUEUE)
export class DownloadProcessor {
  private readonly logger = new Logger(DownloadProcessor.name);

  constructor(private readonly cloudcasting: CloudcastingService) {}

  @Process({ name: DOWNLOAD_JOB, concurrency: 1 })
  handle(job: Job<DownloadJobData>) {
    return runWithRequestId(job.data.requestId ?? String(job.id), async () => {
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
    });
  }
}
