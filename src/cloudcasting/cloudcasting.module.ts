import { Module } from '@nestjs/common';
import { CloudcastingCoreModule } from './cloudcasting-core.module.js';
import { CloudcastingController } from './cloudcasting.controller.js';
import { DownloadCron } from './crons/download.cron.js';
import { DownloadProcessor } from './jobs/download.processor.js';
import { TilesController } from './tiles.controller.js';

/**
 * Satellite cloud forecasts: a cron queues a download, the Bull worker converts the newest Zarr forecast into a
 * GeoTIFF layer set, the API serves it. The CLI uses `CloudcastingCliModule` (same core, no worker or cron).
 */
@Module({
  imports: [CloudcastingCoreModule],
  controllers: [CloudcastingController, TilesController],
  providers: [DownloadProcessor, DownloadCron],
})
export class CloudcastingModule {}
