import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { StatusRegistry } from '../common/status/status.registry.js';
import { MqttConsumerTransport } from '../messaging/mqtt-consumer.transport.js';
import { RedisService } from '../redis/redis.service.js';

const VERSION: string = (() => {
  for (const up of ['..', '../..', '../../..']) {
    try {
      return (
        JSON.parse(readFileSync(join(import.meta.dirname, up, 'package.json'), 'utf8')) as { version: string }
      ).version;
    } catch {
      continue;
    }
  }
  return 'unknown';
})();

@Injectable()
export class StatusService {
  private readonly startedAt = Date.now();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisService,
    private readonly mqtt: MqttConsumerTransport,
    private readonly registry: StatusRegistry,
  ) {}

  async snapshot() {
    const pool = (this.dataSource.driver as unknown as { master?: Pool }).master;
    return {
      name: 'terrawatch',
      version: VERSION,
      node: process.version,
      started_at: new Date(this.startedAt).toISOString(),
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      connections: {
        database: {
          total: pool?.totalCount ?? 0,
          idle: pool?.idleCount ?? 0,
          waiting: pool?.waitingCount ?? 0,
        },
        redis: { status: this.redis.client.status },
        mqtt: {
          connected: this.mqtt.connected,
          consuming: this.mqtt.consuming,
          client_id: this.mqtt.clientId,
          in_flight: this.mqtt.inflight,
        },
      },
      modules: await this.registry.collect(),
    };
  }
}
