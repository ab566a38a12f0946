import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { SkipThrottle } from '@nestjs/throttler';
import type { Socket } from 'socket.io';
import { SocketAuthenticator } from '../auth/index.js';
import { ALL_ROOM, LiveStream, sensorRoom, type SensorsNamespace, typeRoom } from './live-stream.js';
import { NAME_PATTERN } from './sensors.rules.js';
import type { SensorsServerEvents, Subscriptions, SubscriptionRequest } from './sensor-events.js';
import { WsContext } from '../common/context/ws-context.js';

const MAX_SUBSCRIPTIONS = 200;

type SensorsSocket = Socket<Record<string, never>, SensorsServerEvents>;

/**
 * `/sensors`: the live stream. Authenticated at the handshake with the same JWT as HTTP. Clients choose their rooms
 * (per sensor id and per type); the events come from `LiveStream`, which gets the namespace here and forwards each
 * tick's events to the other replicas through the Redis adapter, so every replica's clients see every replica's
 * events.
 */
// The global HTTP rate limiter cannot read a socket message (no response to set headers on).
@SkipThrottle()
@WebSocketGateway({ namespace: '/sensors' })
@WsContext()
export class SensorsGateway implements OnGatewayInit<SensorsNamespace>, OnGatewayConnection {
  constructor(
    private readonly authenticator: SocketAuthenticator,
    private readonly stream: LiveStream,
  ) {}

  afterInit(namespace: SensorsNamespace): void {
    this.stream.attach(namespace);
    namespace.use((socket, next) => {
      this.authenticator
        .authenticate(socket as unknown as Socket)
        .then(async (user) => {
          socket.data.user = user;
          await this.stream.clientArriving();
          next();
        })
        .catch((e: Error) => next(e));
    });
  }

  async handleConnection(socket: SensorsSocket): Promise<void> {
    if (!socket.data.user) {
      socket.disconnect(true);
      return;
    }
    await socket.join(ALL_ROOM);
  }

  @SubscribeMessage('subscribe')
  async subscribe(
    @ConnectedSocket() socket: SensorsSocket,
    @MessageBody() body: SubscriptionRequest,
  ): Promise<Subscriptions | { error: string }> {
    const rooms = roomsOf(body);
    if (typeof rooms === 'string') return { error: rooms };
    if (rooms.length === 0) return { error: 'subscribe needs sensor_ids or types' };
    if (socket.rooms.size + rooms.length > MAX_SUBSCRIPTIONS)
      return { error: `at most ${MAX_SUBSCRIPTIONS} subscriptions per client` };
    await socket.join(rooms);
    await socket.leave(ALL_ROOM);
    return subscriptionsOf(socket);
  }

  /** Without arguments: drop every filter and receive everything again. */
  @SubscribeMessage('unsubscribe')
  async unsubscribe(
    @ConnectedSocket() socket: SensorsSocket,
    @MessageBody() body: SubscriptionRequest | undefined,
  ): Promise<Subscriptions | { error: string }> {
    const requested = roomsOf(body ?? {});
    if (typeof requested === 'string') return { error: requested };
    const rooms = requested.length
      ? requested
      : [...socket.rooms].filter((r) => r.startsWith('sensor:') || r.startsWith('type:'));
    for (const room of rooms) await socket.leave(room);
    const current = subscriptionsOf(socket);
    if (current.sensor_ids.length === 0 && current.types.length === 0) await socket.join(ALL_ROOM);
    return subscriptionsOf(socket);
  }

  @SubscribeMessage('ping')
  ping(@ConnectedSocket() socket: SensorsSocket): void {
    socket.emit('pong', { ts: Date.now() });
  }
}

function roomsOf(body: SubscriptionRequest): string[] | string {
  if (!body || typeof body !== 'object') return 'expected {sensor_ids?: string[], types?: string[]}';
  const rooms: string[] = [];
  for (const [field, room] of [
    ['sensor_ids', sensorRoom],
    ['types', typeRoom],
  ] as const) {
    const values = body[field] ?? [];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string' || !NAME_PATTERN.test(v)))
      return `${field} must be an array of sensor names (letters, digits, . _ : -)`;
    rooms.push(...values.map((v) => room(field === 'types' ? v.toLowerCase() : v)));
  }
  return rooms;
}

function subscriptionsOf(socket: SensorsSocket): Subscriptions {
  const rooms = [...socket.rooms];
  return {
    all: socket.rooms.has(ALL_ROOM),
    sensor_ids: rooms.filter((r) => r.startsWith('sensor:')).map((r) => r.slice('sensor:'.length)),
    types: rooms.filter((r) => r.startsWith('type:')).map((r) => r.slice('type:'.length)),
  };
}
