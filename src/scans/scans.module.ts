import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AccountsController } from './accounts/accounts.controller.js';
import { AdminScansController } from './admin/admin-scans.controller.js';
import { AdminStatsService } from './admin/admin-stats.service.js';
import { ScheduledScansCron } from './crons/scheduled-scans.cron.js';
import { ScanProcessor } from './jobs/scan.processor.js';
import { ResourcesController } from './resources/resources.controller.js';
import { RulesController } from './rules/rules.controller.js';
import { ScansController } from './scans.controller.js';
import { ScansCoreModule } from './scans-core.module.js';

/** CloudWaste: cloud accounts, queued scans for orphaned resources, costs, rules, reviews. */
@Module({
  imports: [ScansCoreModule, RealtimeModule],
  controllers: [
    AccountsController,
    ScansController,
    ResourcesController,
    RulesController,
    AdminScansController,
  ],
  providers: [ScanProcessor, ScheduledScansCron, AdminStatsService],
})
export class ScansModule {}
