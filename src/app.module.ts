import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { QueueFailureReporter } from './common/queue/queue-failure-reporter.js';
import { QueueWorkersCheck } from './common/queue/queue-workers.check.js';
import { SchedulingModule } from './common/schedule/scheduling.module.js';
import { DefaultThrottlerGuard } from './common/throttling/rate-limit.guards.js';
import { CloudcastingModule } from './cloudcasting/cloudcasting.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { CoreModule } from './core.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SpeciesModule } from './species/species.module.js';
import { ScansModule } from './scans/scans.module.js';
import { SensorsModule } from './sensors/sensors.module.js';

/** The HTTP + MQTT application, which is also the worker process of every queue. */
@Module({
  imports: [
    CoreModule,
    SchedulingModule,
    DiscoveryModule,
    HealthModule,
    MetricsModule,
    AuthModule,
    RealtimeModule,
    CloudcastingModule,
    SpeciesModule,
    JobsModule,
    ScansModule,
    SensorsModule,
    PrivacyModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: DefaultThrottlerGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    QueueWorkersCheck,
    QueueFailureReporter,
  ],
})
export class AppModule {}
