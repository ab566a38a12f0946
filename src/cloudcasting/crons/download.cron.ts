import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CronScheduler } from '../../common/schedule/cron-scheduler.js';
import { cloudcastingConfig, type CloudcastingConfig } from '../cloudcasting.config.js';
import { CloudcastingQueue } from '../cloudcasting.queue.js';
import { CloudcastingService } from '../services/cloudcasting.service.js';

/** Every CLOUDCASTING_CRON tick enqueues a download; the job decides whether the source changed. */
@Injectable()
export class DownloadCron implements OnApplicationBootstrap {
  private readonly logger = new Logger(DownloadCron.name);

  constructor(
    @Inject(cloudcastingConfig.KEY) private readonly config: CloudcastingConfig,
    private readonly queue: CloudcastingQueue,
    private readonly crons: CronScheduler,
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
    this.crons.schedule({ name: 'cloudcasting-download', expression: this.config.cron }, async (at) => {
      const jobId = await this.queue.enqueueScheduled(at);
      this.logger.debug(`Enqueued ${jobId}`);
    });
  }
}
