import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/index.js';
import { MqttConsumerTransport } from '../messaging/mqtt-consumer.transport.js';
import { RedisService } from '../redis/redis.service.js';
import { HealthCheckFailedFilter } from './health-check-failed.filter.js';
import { StatusService } from './status.service.js';

const DISABLED = 'disabled (SENSORS_MQTT_ENABLED=false)';

/**
 * Probes for an orchestrator. Liveness says whether to restart the process, readiness whether to send it work: a
 * database, Redis or broker outage makes a replica unready (it recovers by itself when they come back), never
 * dead, so a restart loop cannot follow an outage of a shared service.
 */
@ApiTags('health')
@Controller('health')
@Public()
@SkipThrottle()
@UseFilters(HealthCheckFailedFilter)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisService,
    private readonly mqtt: MqttConsumerTransport,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers; no database, Redis or broker is asked' })
  @ApiOkResponse({ description: 'The process and its event loop answer' })
  live() {
    // Answered on the event loop without any I/O: a stuck loop cannot answer, and the probe's timeout fails it.
    return this.health.check([
      () => this.indicators.check('process').up({ uptime_seconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database, Redis, the MQTT broker and the consumer receiving messages',
  })
  @ApiOkResponse({ description: 'Every part is up' })
  @ApiServiceUnavailableResponse({ description: 'At least one part is down; each part says its state' })
  ready() {
    return this.health.check(this.readiness());
  }

  /** The path of the first release, kept for existing monitors: the same checks and body as `/health/ready`. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness, under its historical path (the same as /health/ready)' })
  @ApiOkResponse({ description: 'Every part is up' })
  @ApiServiceUnavailableResponse({ description: 'At least one part is down; each part says its state' })
  check() {
    return this.ready();
  }

  private readiness(): HealthIndicatorFunction[] {
    return [
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
        if (!this.mqtt.enabled) return indicator.up({ consumer: DISABLED });
        return this.mqtt.connected
          ? indicator.up({ client_id: this.mqtt.clientId })
          : indicator.down({ message: 'the MQTT consumer is not connected to the broker' });
      },
      () => {
        // Connected is not enough: until the broker acknowledges the subscriptions, no reading reaches this replica.
        const indicator = this.indicators.check('mqtt_consumer');
        if (!this.mqtt.enabled) return indicator.up({ consumer: DISABLED });
        if (this.mqtt.consuming) return indicator.up({ in_flight: this.mqtt.inflight });
        return indicator.down({
          message: this.mqtt.connected
            ? 'connected, but the broker has not acknowledged the subscriptions on this connection yet'
            : 'not consuming: not connected to the broker',
        });
      },
    ];
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
