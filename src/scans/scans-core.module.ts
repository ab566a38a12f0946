import { BullModule } from '@nestjs/bull';
import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonalDataRegistry } from '../privacy/index.js';
import { PrivacyCoreModule } from '../privacy/privacy-core.module.js';
import { CredentialsCipher } from './crypto/credentials-cipher.js';
import { SCANS_ENTITIES } from './entities/index.js';
import { LivePrices } from './pricing/live-prices.js';
import { AwsProvider } from './providers/aws/aws.provider.js';
import { AzureProvider } from './providers/azure/azure.provider.js';
import { GcpProvider } from './providers/gcp/gcp.provider.js';
import { M365Provider } from './providers/m365/m365.provider.js';
import { ProviderRegistry } from './providers/provider.registry.js';
import { scansConfig, type ScansConfig } from './scans.config.js';
import { SCANS_QUEUE, ScansQueue } from './scans.queue.js';
import { AccountsService } from './services/accounts.service.js';
import { PricingService } from './services/pricing.service.js';
import { ResourcesService } from './services/resources.service.js';
import { RulesService } from './services/rules.service.js';
import { ScanRunner } from './services/scan-runner.js';
import { ScansPersonalData } from './services/scans-personal-data.js';
import { ScansService } from './services/scans.service.js';

/**
 * The Scans use cases without their transports: shared by the HTTP app (which adds controllers, the queue worker
 * and the cron) and the CLI (which must not consume the queue).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(SCANS_ENTITIES),
    BullModule.registerQueueAsync({
      name: SCANS_QUEUE.name,
      inject: [scansConfig.KEY],
      useFactory: ({ worker }: ScansConfig) => ({
        // A dead worker's job is noticed within about one lock duration, then run again once (a second death
        // fails it, and the scan is marked failed with the reason).
        settings: {
          lockDuration: worker.lockDurationMs,
          stalledInterval: worker.lockDurationMs,
          maxStalledCount: 1,
        },
      }),
    }),
    PrivacyCoreModule,
  ],
  providers: [
    CredentialsCipher,
    AwsProvider,
    AzureProvider,
    GcpProvider,
    M365Provider,
    ProviderRegistry,
    ScansQueue,
    AccountsService,
    RulesService,
    LivePrices,
    PricingService,
    ScanRunner,
    ScansService,
    ResourcesService,
    ScansPersonalData,
  ],
  exports: [
    TypeOrmModule,
    ScansQueue,
    AccountsService,
    RulesService,
    PricingService,
    ScanRunner,
    ScansService,
    ResourcesService,
    ScansPersonalData,
  ],
})
export class ScansCoreModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly scans: ScansPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.scans);
  }
}
