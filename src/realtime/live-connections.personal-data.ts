import { Injectable, Logger } from '@nestjs/common';
import type { Erasure, PersonalDataContributor } from '../privacy/index.js';
import { userRoom, UserEventsGateway } from './user-events.gateway.js';

/**
 * Live connections hold no stored data, but an erased user's open sockets would keep receiving events: they are
 * closed after the erasure commits, on every replica (through the Redis adapter). `/events` sockets are in the
 * user's room; `/sensors` sockets are found by the user on their handshake.
 */
@Injectable()
export class LiveConnectionsPersonalData implements PersonalDataContributor {
  readonly name = 'live_connections';
  readonly description =
    'open Socket.IO connections (nothing stored): closed on every replica after the erasure';
  private readonly logger = new Logger(LiveConnectionsPersonalData.name);

  constructor(private readonly gateway: UserEventsGateway) {}

  async export(): Promise<Record<string, unknown>> {
    return {};
  }

  async erase(userId: string): Promise<Erasure> {
    return { counts: {}, afterCommit: [() => this.disconnect(userId)] };
  }

  private async disconnect(userId: string): Promise<void> {
    const server = this.gateway.namespace?.server;
    if (!server) return;
    server.of('/events').in(userRoom(userId)).disconnectSockets(true);
    const live = await server.of('/sensors').fetchSockets();
    const own = live.filter((s) => (s.data as { user?: { id?: string } }).user?.id === userId);
    for (const socket of own) socket.disconnect(true);
    this.logger.log({ userId, sensorsSockets: own.length }, "Closed the erased user's sockets");
  }
}
