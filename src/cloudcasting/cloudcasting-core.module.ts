import { QUICK_RECOVERY_LOCK } from '../common/queue/queue-definition.js';
import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CLOUDCASTING_QUEUE, CloudcastingQueue } from './cloudcasting.queue.js';
import { CLOUDCASTING_ENTITIES } from './entities/index.js';
import { CloudcastingQueries } from './services/cloudcasting-queries.js';
import { CloudcastingService } from './services/cloudcasting.service.js';
import { CloudcastingTiles } from './services/cloudcasting-tiles.js';
import { RunStateStore } from './services/run-state.js';

/**
 * The cloudcasting use cases without their transports: the pipeline service (which builds the Zarr source and the
 * layer-set store from config), the run lock, the read side and the queue adapter. Shared by the HTTP app (which
 * adds the controller, the worker and the cron) and the CLI (which must not consume the queue).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(CLOUDCASTING_ENTITIES),
    // A run whose worker died (kill, crash) is taken up again within about 15 s.
    BullModule.registerQueue({ name: CLOUDCASTING_QUEUE.name, settings: { ...QUICK_RECOVERY_LOCK } }),
  ],
  providers: [CloudcastingService, RunStateStore, CloudcastingQueries, CloudcastingQueue, CloudcastingTiles],
  exports: [CloudcastingService, CloudcastingQueries, CloudcastingQueue, CloudcastingTiles],
})
export class CloudcastingCoreModule {}
