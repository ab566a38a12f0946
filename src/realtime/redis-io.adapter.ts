import { type INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { IncomingMessage } from 'node:http';
import type { Namespace, Server, ServerOptions } from 'socket.io';
import { MetricsService } from '../metrics/index.js';
import { RedisService } from '../redis/redis.service.js';

/**
 * Socket.IO through Redis pub/sub, so an event emitted on one replica reaches clients connected to any replica.
 * `cors` is the HTTP app's own CORS (the same `CORS_ORIGINS`): a page may read Socket.IO's polling answers exactly
 * when it may read the API's. CORS does not cover WebSocket handshakes; `SocketAuthenticator` checks their Origin.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly connections: Redis[] = [];

  constructor(
    private readonly app: INestApplicationContext,
    private readonly cors: ServerOptions['cors'],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, cors: this.cors } as ServerOptions);
    const redis = this.app.get(RedisService);
    // Auto-pipelining: the broadcasts of one tick (a committed batch of readings) go out in one write.
    const pub = redis.client.duplicate({ enableAutoPipelining: true });
    guardPublishes(pub);
    const sub = redis.duplicate();
    this.connections.push(pub, sub);
    // Pub/sub channels are shared by every database of a Redis server: a channel name per database keeps two
    // deployments (or a test run beside a demo) on one server from receiving each other's events.
    server.adapter(createAdapter(pub, sub, { key: `socket.io:db${redis.client.options.db ?? 0}` }));
    coalesceWrites(server);
    this.countClients(server);
    return server;
  }

  /** Clients connected to this replica, per namespace of the gateways (each calls `of` after this server exists). */
  private countClients(server: Server): void {
    const namespaces: Namespace[] = [];
    server.sockets.on('new_namespace', (namespace) => namespaces.push(namespace));
    this.app.get(MetricsService).gaugeOf(
      {
        name: 'terrawatch_socketio_connected_clients',
        help: 'Socket.IO clients connected to this replica, by namespace',
        labelNames: ['namespace'],
      },
      () => namespaces.map((namespace) => [{ namespace: namespace.name }, namespace.sockets.size] as const),
    );
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.connections.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/**
 * The Redis adapter publishes without waiting for the answer: while Redis is unreachable each publish fails after
 * ioredis' retries, and an unhandled rejection ends a Node process. So a failed publish is caught here, logged once
 * per outage (and the count when it ends): the events of that moment reach this replica's own clients only.
 */
function guardPublishes(pub: Redis): void {
  const logger = new Logger(RedisIoAdapter.name);
  const publish = pub.publish.bind(pub) as (channel: string, message: string | Buffer) => Promise<number>;
  let failed = 0;
  pub.publish = ((channel: string, message: string | Buffer) =>
    publish(channel, message).then(
      (receivers) => {
        if (failed > 0)
          logger.log(`Redis reachable again; ${failed} live event batch(es) stayed on this replica`);
        failed = 0;
        return receivers;
      },
      (error: Error) => {
        if (failed++ === 0)
          logger.warn(
            `Live events cannot reach other replicas (Redis: ${error.message}); retrying with each event`,
          );
        return 0;
      },
    )) as Redis['publish'];
}

/**
 * Engine.IO hands a client's queued packets to the WebSocket in one go ("flush", then "drain" right after), but the
 * WebSocket writes each frame with its own system call. Corking the client's TCP socket for that moment sends them
 * in one write: the live stream's events of a tick reach a client in two writes (the first packet, then the rest)
 * instead of one per event. Only for clients that opened a WebSocket directly (their handshake request is the
 * upgrade, so its socket is the one the frames go to); others are left as they are.
 */
function coalesceWrites(server: Server): void {
  const tcp = (conn: { request: IncomingMessage; transport: { name: string } }) =>
    conn.transport.name === 'websocket' && conn.request.headers.upgrade?.toLowerCase() === 'websocket'
      ? conn.request.socket
      : undefined;
  const corked = new WeakSet<object>();
  server.engine.on('flush', (conn, packets: unknown[]) => {
    const socket = packets.length > 1 ? tcp(conn) : undefined;
    if (!socket) return;
    socket.cork();
    corked.add(conn);
  });
  server.engine.on('drain', (conn) => {
    if (!corked.delete(conn)) return;
    tcp(conn)?.uncork();
  });
}
