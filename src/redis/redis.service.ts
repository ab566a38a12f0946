import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app.config.js';

/**
 * The shared Redis connection (health, rate-limit counters, caches). Queues and the Socket.IO adapter open their
 * own connections from the same URL because they need blocking or subscriber connections.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  readonly url: string;

  constructor(config: ConfigService) {
    this.url = config.getOrThrow<AppConfig>('app').redisUrl;
    this.client = new Redis(this.url, {
      lazyConnect: false,
      maxRetriesPerRequest: 3,
      enableOfflineQueue: true,
    });
    this.client.on('error', () => undefined);
  }

  /** A new connection to the same server, for subscribers and blocking commands; the caller closes it. */
  duplicate(): Redis {
    return this.client.duplicate();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
