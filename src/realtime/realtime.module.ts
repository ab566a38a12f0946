import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeService } from './realtime.service.js';
import { UserEventsGateway } from './user-events.gateway.js';

/** Per-user live events over Socket.IO (`/events`); other modules call `RealtimeService.toUser`. */
@Module({
  imports: [AuthModule],
  providers: [UserEventsGateway, RealtimeService],
  exports: [RealtimeService],
})
export class RealtimeModule {}
