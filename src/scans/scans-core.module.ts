import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsService } from './services/accounts.service.js';
import { CredentialsCipher } from './crypto/credentials-cipher.js';
import { ChatMessage, Conversation } from './entities/chat.entity.js';
import { CloudAccount } from './entities/cloud-account.entity.js';
import { OrphanResource } from './entities/orphan-resource.entity.js';
import { Price } from './entities/price.entity.js';
import { RuleOverride } from './entities/rule-override.entity.js';
import { Scan } from './entities/scan.entity.js';
import { SCANS_QUEUE } from './scans.queue.js';
import { PricingService } from './services/pricing.service.js';
import { AwsProvider } from './providers/aws/aws.provider.js';
import { AzureProvider } from './providers/azure/azure.provider.js';
import { GcpProvider } from './providers/gcp/gcp.provider.js';
import { ProviderRegistry } from './providers/provider.registry.js';
import { ResourcesService } from './services/resources.service.js';
import { RulesService } from './services/rules.service.js';
import { ScanRunner } from './services/scan-runner.js';
import type { ScansConfig } from './scans.config.js';
import { ScansService } from './services/scans.service.js';

/**
 * The Scans use cases without their transports: shared by the HTTP app (which adds controllers, the queue worker
 * and the cron) and the CLI (which must not consume the queue).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      CloudAccount,
      Scan,
      OrphanResource,
      Price,
      RuleOverride,
      Conversation,
      ChatMessage,
    ]),
    BullModule.registerQueueAsync({
      name: SCANS_QUEUE,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const { lockDurationMs } = config.getOrThrow<ScansConfig>('scans').worker;
        return {
          // A dead worker's job is noticed within about one lock duration, then run again once (a second death
          // fails it, and the scan is marked failed with the reason).
          settings: { lockDuration: lockDurationMs, stalledInterval: lockDurationMs, maxStalledCount: 1 },
        };
      },
    }),
  ],
  providers: [
    CredentialsCipher,
    AwsProvider,
    AzureProvider,
    GcpProvider,
    ProviderRegistry,
    AccountsService,
    RulesService,
    PricingService,
    ScanRunner,
    ScansService,
    ResourcesService,
  ],
  exports: [
    TypeOrmModule,
    AccountsService,
    RulesService,
    PricingService,
    ScanRunner,
    ScansService,
    ResourcesService,
    ProviderRegistry,
  ],
})
export class ScansCoreModule {}
