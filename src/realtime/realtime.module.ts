import { Module, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PersonalDataRegistry } from '../privacy/index.js';
import { PrivacyCoreModule } from '../privacy/privacy-core.module.js';
import { LiveConnectionsPersonalData } from './live-connections.personal-data.js';
import { RealtimeService } from './realtime.service.js';
import { TestErrorsGateway } from './test-errors.gateway.js';
import { UserEventsGateway } from './user-events.gateway.js';

/** Per-user live events over Socket.IO (`/events`); other modules call `RealtimeService.toUser`. */
@Module({
  imports: [AuthModule, PrivacyCoreModule],
  providers: [
    UserEventsGateway,
    RealtimeService,
    LiveConnectionsPersonalData,
    // A handler that throws, for test/platform/sentry.e2e-spec.ts; never in production.
    ...(process.env.NODE_ENV === 'test' ? [TestErrorsGateway] : []),
  ],
  exports: [RealtimeService],
})
export class RealtimeModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly liveConnections: LiveConnectionsPersonalData,
  ) {}

  /** An erased user's open sockets are closed once the erasure commits. */
  onModuleInit(): void {
    this.personalData.register(this.liveConnections);
  }
}
