import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { RedisService } from '../redis/redis.service.js';

/**
 * Socket.IO through Redis pub/sub, so an event emitted on one replica reaches clients connected to any replica.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly connections: Redis[] = [];

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      cors: { origin: true, credentials: true },
    } as ServerOptions);
    const redis = this.app.get(RedisService);
    // Auto-pipelining: the broadcasts of one tick (a committed batch of readings) go out in one write.
    const pub = redis.client.duplicate({ enableAutoPipelining: true });
    const sub = redis.duplicate();
    this.connections.push(pub, sub);
    // Pub/sub channels are shared by every database of a Redis server: a channel name per database keeps two
    // deployments (or a test run beside a demo) on one server from receiving each other's events.
    server.adapter(createAdapter(pub, sub, { key: `socket.io:db${redis.client.options.db ?? 0}` }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.connections.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  }
}
