import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AuthModule } from './auth/auth.module.js';
import { readEnv } from './config/env.js';
import { AuthEnv } from './auth/auth.config.js';
import { CloudcastingModule } from './cloudcasting/cloudcasting.module.js';
import { RpcContextInterceptor } from './common/context/rpc-context.interceptor.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { CoreModule } from './core.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { RedisService } from './redis/redis.service.js';
import { SpeciesModule } from './species/species.module.js';
import { SpeciesWorkerModule } from './species/species-worker.module.js';
import { ScansModule } from './scans/scans.module.js';
import { SensorsModule } from './sensors/sensors.module.js';

/** The HTTP + MQTT application. */
@Module({
  imports: [
    CoreModule,
    ScheduleModule.forRoot(),
    ThrottlerModule.forRootAsync({
      inject: [RedisService],
      useFactory: (redis: RedisService) => ({
        throttlers: [
          // Read once: the environment was validated at start-up and does not change per request.
          { name: 'default', ttl: 60_000, limit: readEnv(AuthEnv, process.env).THROTTLE_DEFAULT_LIMIT },
        ],
        storage: new ThrottlerStorageRedisService(redis.client),
      }),
    }),
    HealthModule,
    AuthModule,
    RealtimeModule,
    CloudcastingModule,
    SpeciesModule,
    SpeciesWorkerModule,
    JobsModule,
    ScansModule,
    SensorsModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_INTERCEPTOR, useClass: RpcContextInterceptor },
  ],
})
export class AppModule {}
