import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CommonModule } from './common/common.module.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { ThrottlingModule } from './common/throttling/throttling.module.js';
import { AppConfig } from './config/app.config.js';
import { AppConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { RedisModule } from './redis/redis.module.js';

/**
 * The infrastructure every entry point (HTTP app, CLI, tests) shares: validated config, logging with correlation
 * ids, PostgreSQL, Redis, the Bull root connection and MQTT publishing.
 */
@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    DatabaseModule,
    RedisModule,
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        url: config.getOrThrow<AppConfig>('app').redisUrl,
        prefix: 'terrawatch',
        defaultJobOptions: {
          removeOnComplete: 1000,
          removeOnFail: 5000,
          attempts: 3,
          backoff: { type: 'exponential', delay: 2000 },
        },
      }),
    }),
    MessagingModule,
    CommonModule,
    ThrottlingModule,
  ],
})
export class CoreModule {}
