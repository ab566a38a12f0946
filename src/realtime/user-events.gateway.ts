import { Logger } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { SocketAuthenticator } from '../auth/index.js';
import { WsContext } from '../common/context/ws-context.js';

export const userRoom = (userId: string) => `user:${userId}`;

/**
 * `/events`: each authenticated client joins its own user's room and receives what concerns that user only (scan
 * progress, job progress). Unauthenticated handshakes are refused with a `connect_error`.
 */
@WebSocketGateway({ namespace: '/events' })
@WsContext()
export class UserEventsGateway implements OnGatewayConnection {
  private readonly logger = new Logger(UserEventsGateway.name);
  @WebSocketServer() namespace: Namespace;

  constructor(private readonly authenticator: SocketAuthenticator) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.authenticator
        .authenticate(socket)
        .then((user) => {
          socket.data.user = user;
          next();
        })
        .catch((e: Error) => next(e));
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    const user = socket.data.user as { id: string } | undefined;
    if (!user) {
      socket.disconnect(true);
      return;
    }
    await socket.join(userRoom(user.id));
    this.logger.debug(`user ${user.id} connected to /events`);
  }
}
