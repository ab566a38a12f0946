import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeService } from './realtime.service.js';
import { TestErrorsGateway } from './test-errors.gateway.js';
import { UserEventsGateway } from './user-events.gateway.js';

/** Per-user live events over Socket.IO (`/events`); other modules call `RealtimeService.toUser`. */
@Module({
  imports: [AuthModule],
  providers: [
    UserEventsGateway,
    RealtimeService,
    // A handler that throws, for test/platform/sentry.e2e-spec.ts; never in production.
    ...(process.env.NODE_ENV === 'test' ? [TestErrorsGateway] : []),
  ],
  exports: [RealtimeService],
})
export class RealtimeModule {}
