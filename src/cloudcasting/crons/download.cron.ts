import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { cloudcastingConfig, type CloudcastingConfig } from '../cloudcasting.config.js';
import { DownloadJobs } from '../jobs/download-jobs.js';
import { CloudcastingService } from '../services/cloudcasting.service.js';

/** Every CLOUDCASTING_CRON tick enqueues a download; the job decides whether the source changed. */
@Injectable()
export class DownloadCron implements OnApplicationBootstrap {
  private readonly logger = new Logger(DownloadCron.name);

  constructor(
    @Inject(cloudcastingConfig.KEY) private readonly config: CloudcastingConfig,
    private readonly jobs: DownloadJobs,
    private readonly scheduler: SchedulerRegistry,
    private readonly cloudcasting: CloudcastingService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.cronEnabled) return;
    if (this.cloudcasting.sourceDescription === null) {
      // A job per tick would only fail; say it once instead.
      this.logger.warn(
        'No cloudcasting source configured (CLOUDCASTING_S3_BUCKET or a file:// source): schedule off',
      );
      return;
    }
    // The expression comes from config, so the job is registered here rather than with a static @Cron.
    const job = CronJob.from({
      cronTime: this.config.cron,
      onTick: () => void this.tick(),
      start: true,
    });
    this.scheduler.addCronJob('cloudcasting-download', job);
  }

  async tick(now = new Date()): Promise<void> {
    try {
      const jobId = await this.jobs.enqueueScheduled(now);
      this.logger.debug(`Enqueued ${jobId}`);
    } catch (e) {
      this.logger.warn(`Could not enqueue the scheduled download: ${(e as Error).message}`);
    }
  }
}
