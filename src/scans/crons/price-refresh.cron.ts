import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CronScheduler } from '../../common/schedule/cron-scheduler.js';
import { scansConfig, type ScansConfig } from '../scans.config.js';
import { PricingService } from '../services/pricing.service.js';

/**
 * Every 6 hours, on every replica: enqueue a refresh of the live prices (the job id is the tick's minute, so it runs
 * once overall), well within the cache's 24 h. Off when no live price source is configured.
 */
@Injectable()
export class PriceRefreshCron implements OnApplicationBootstrap {
  constructor(
    private readonly crons: CronScheduler,
    private readonly pricing: PricingService,
    @Inject(scansConfig.KEY) private readonly config: ScansConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.pricing.liveProviders.length === 0) return;
    this.crons.schedule({ name: 'scans:price-refresh', expression: '17 */6 * * *' }, async (at) => {
      await this.pricing.enqueueRefresh(at, false);
    });
  }
}
