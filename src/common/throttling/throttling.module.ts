import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../../config/app.config.js';
import { RedisService } from '../../redis/redis.service.js';
import { RateLimitGuard } from './rate-limit.guards.js';
import { RateLimitRegistry } from './rate-limits.js';

/**
 * Rate limiting with counters in Redis, so every replica counts the same window. Part of every entry point: the
 * routes' `@RateLimit` guards are instantiated wherever a controller is loaded, the CLI included. The global guard
 * (`DefaultThrottlerGuard`) is installed by the HTTP app.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [RedisService, ConfigService],
      useFactory: (redis: RedisService, config: ConfigService) => ({
        throttlers: [
          { name: 'default', ttl: 60_000, limit: config.getOrThrow<AppConfig>('app').throttleDefaultLimit },
        ],
        storage: new ThrottlerStorageRedisService(redis.client),
      }),
    }),
  ],
  providers: [RateLimitRegistry, RateLimitGuard],
  exports: [RateLimitRegistry, RateLimitGuard, ThrottlerModule],
})
export class ThrottlingModule {}
