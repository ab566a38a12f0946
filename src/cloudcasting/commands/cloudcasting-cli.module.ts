import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CloudcastingForecast } from '../entities/cloudcasting-forecast.entity.js';
import { CloudcastingService } from '../services/cloudcasting.service.js';
import { RunStateStore } from '../services/run-state.js';
import { CloudcastingDemoStoreCommand } from './cloudcasting-demo-store.command.js';
import { CloudcastingDownloadCommand } from './cloudcasting-download.command.js';

/** The cloudcasting commands: the service without the Bull worker and the cron, so a CLI run never takes jobs. */
@Module({
  imports: [TypeOrmModule.forFeature([CloudcastingForecast])],
  providers: [CloudcastingService, RunStateStore, CloudcastingDownloadCommand, CloudcastingDemoStoreCommand],
})
export class CloudcastingCliModule {}
