import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RateLimitRegistry } from '../common/throttling/rate-limits.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AccountsController } from './accounts.controller.js';
import { AdminScansController } from './admin-scans.controller.js';
import { AnthropicClient } from './assistant/anthropic.client.js';
import { ChatController } from './chat.controller.js';
import { PriceRefreshCron } from './crons/price-refresh.cron.js';
import { ScheduledScansCron } from './crons/scheduled-scans.cron.js';
import { GdprController } from './gdpr.controller.js';
import { ScanProcessor } from './jobs/scan.processor.js';
import { ResourcesController } from './resources.controller.js';
import { RulesController } from './rules.controller.js';
import { ScansCoreModule } from './scans-core.module.js';
import { scansConfig, type ScansConfig } from './scans.config.js';
import { ScansController } from './scans.controller.js';
import { ScansRateLimit } from './scans.rate-limits.js';
import { AdminStatsService } from './services/admin-stats.service.js';
import { ChatService } from './services/chat.service.js';
import { GdprService } from './services/gdpr.service.js';

/** CloudWaste: cloud accounts, queued scans for orphaned resources, costs, rules, reviews. */
@Module({
  imports: [ScansCoreModule, RealtimeModule, AuthModule, MetricsModule],
  controllers: [
    AccountsController,
    ScansController,
    ResourcesController,
    RulesController,
    AdminScansController,
    ChatController,
    GdprController,
  ],
  providers: [
    ScanProcessor,
    ScheduledScansCron,
    PriceRefreshCron,
    // Used by the HTTP routes only, so not in the core the CLI loads.
    AdminStatsService,
    AnthropicClient,
    ChatService,
    GdprService,
  ],
})
export class ScansModule implements OnModuleInit {
  constructor(
    private readonly rateLimits: RateLimitRegistry,
    @Inject(scansConfig.KEY) private readonly config: ScansConfig,
  ) {}

  onModuleInit(): void {
    this.rateLimits.register(ScansRateLimit.SCAN_REQUEST, {
      limit: this.config.rateLimitPerMinute,
      windowMs: 60_000,
      per: 'user',
    });
  }
}
