import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CloudcastingController } from './cloudcasting.controller.js';
import { DownloadCron } from './crons/download.cron.js';
import { CloudcastingForecast } from './entities/cloudcasting-forecast.entity.js';
import { CLOUDCASTING_QUEUE, DownloadJobs } from './jobs/download-jobs.js';
import { DownloadProcessor } from './jobs/download.processor.js';
import { CloudcastingQueries } from './services/cloudcasting-queries.js';
import { CloudcastingService } from './services/cloudcasting.service.js';
import { RunStateStore } from './services/run-state.js';

/**
 * Satellite cloud forecasts: a cron queues a download, the Bull worker converts the newest Zarr forecast into a
 * GeoTIFF layer set, the API serves it. The CLI uses `CloudcastingCliModule` (same service, no worker or cron).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([CloudcastingForecast]),
    BullModule.registerQueue({ name: CLOUDCASTING_QUEUE }),
  ],
  controllers: [CloudcastingController],
  providers: [
    CloudcastingService,
    RunStateStore,
    CloudcastingQueries,
    DownloadJobs,
    DownloadProcessor,
    DownloadCron,
  ],
  exports: [CloudcastingService],
})
export class CloudcastingModule {}
