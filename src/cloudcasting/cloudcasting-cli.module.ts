import { Module } from '@nestjs/common';
import { CloudcastingCoreModule } from './cloudcasting-core.module.js';
import { CloudcastingDemoStoreCommand } from './commands/cloudcasting-demo-store.command.js';
import { CloudcastingDownloadCommand } from './commands/cloudcasting-download.command.js';

/** The cloudcasting commands: the core without the Bull worker and the cron, so a CLI run never takes jobs. */
@Module({
  imports: [CloudcastingCoreModule],
  providers: [CloudcastingDownloadCommand, CloudcastingDemoStoreCommand],
})
export class CloudcastingCliModule {}
