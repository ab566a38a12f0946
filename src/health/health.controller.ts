import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/index.js';
import { MqttConsumerTransport } from '../messaging/mqtt-consumer.transport.js';
import { RedisService } from '../redis/redis.service.js';
import { StatusService } from './status.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisService,
    private readonly mqtt: MqttConsumerTransport,
  ) {}

  @Get('health')
  @Public()
  @SkipThrottle()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: database, Redis and MQTT broker' })
  @ApiOkResponse({ description: 'Every part is up' })
  @ApiServiceUnavailableResponse({ description: 'At least one part is down; each part says its state' })
  check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          const pong = await withTimeout(this.redis.client.ping(), 2000);
          return pong === 'PONG' ? indicator.up() : indicator.down({ message: `unexpected reply ${pong}` });
        } catch (e) {
          return indicator.down({ message: (e as Error).message });
        }
      },
      () => {
        // The consumer's own connection: the app's only one to the broker.
        const indicator = this.indicators.check('mqtt');
        if (!this.mqtt.enabled) return indicator.up({ consumer: 'disabled (SENSORS_MQTT_ENABLED=false)' });
        return this.mqtt.connected
          ? indicator.up({ client_id: this.mqtt.clientId })
          : indicator.down({ message: 'the MQTT consumer is not connected to the broker' });
      },
    ]);
  }
}

@ApiTags('health')
@Controller('status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Version, uptime, connection counts and module counters' })
  getStatus() {
    return this.status.snapshot();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);
}
