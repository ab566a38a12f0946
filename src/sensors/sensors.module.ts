import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { StatusRegistry } from '../common/status/status.registry.js';
import { RateLimitRegistry } from '../common/throttling/rate-limits.js';
import { RetentionCron } from './crons/retention.cron.js';
import { IngestMetrics } from './ingest-metrics.js';
import { RetentionProcessor } from './jobs/retention.processor.js';
import { ReadingsRepository } from './repositories/readings.repository.js';
import { ReadingWriter } from './reading-writer.js';
import { SensorsController } from './sensors.controller.js';
import { sensorsConfig, type SensorsConfig } from './sensors.config.js';
import { SensorsGateway } from './sensors.gateway.js';
import { SensorsMqttController } from './sensors.mqtt.controller.js';
import { MqttConsumerTransport } from '../messaging/mqtt-consumer.transport.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsService } from '../metrics/index.js';
import { PreviousValues } from './state/previous-values.js';
import { SensorsRateLimit } from './sensors.rate-limits.js';
import { SensorsCoreModule } from './sensors-core.module.js';
import { ThresholdsService } from './services/thresholds.service.js';
import { ThresholdsController } from './thresholds.controller.js';
import { WeatherController } from './weather.controller.js';

/**
 * IoT telemetry in the HTTP app: the routes, the `/sensors` live stream, the MQTT consumer, the retention worker and
 * its daily cron, over SensorsCoreModule. Other modules import SensorsCoreModule for
 * `SensorIngestService.ingestMany` (this module would bring a second consumer and worker along).
 */
@Module({
  imports: [SensorsCoreModule, AuthModule, MetricsModule],
  controllers: [ThresholdsController, SensorsController, WeatherController, SensorsMqttController],
  providers: [SensorsGateway, RetentionProcessor, RetentionCron],
})
export class SensorsModule implements OnModuleInit {
  constructor(
    private readonly status: StatusRegistry,
    private readonly metrics: IngestMetrics,
    private readonly writer: ReadingWriter,
    private readonly readings: ReadingsRepository,
    private readonly consumer: MqttConsumerTransport,
    private readonly previous: PreviousValues,
    private readonly rateLimits: RateLimitRegistry,
    private readonly thresholds: ThresholdsService,
    private readonly prometheus: MetricsService,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {}

  /** Before the consumer connects (application bootstrap): the first readings are judged with what is stored. */
  async onModuleInit(): Promise<void> {
    await this.thresholds.startReloading();
    this.rateLimits.register(SensorsRateLimit.HTTP_INGEST, {
      limit: this.config.httpIngestPerMinute,
      windowMs: 60_000,
      per: 'ip',
    });
    this.status.register('sensors', async () => ({
      mqtt_consumer: {
        enabled: this.consumer.enabled,
        client_id: this.consumer.clientId,
        connected: this.consumer.connected,
        // Delivered to this replica and not yet acknowledged; the rest of the backlog waits at the broker.
        in_flight: this.consumer.inflight,
        taking_over: this.consumer.takingOver,
        // Everything the broker holds (queued for sessions of every client, retained), as it reports it.
        broker_stored_messages: this.consumer.brokerStoredMessages,
        ...this.consumer.counters,
      },
      pending_writes: this.writer.pending,
      // Readings PostgreSQL refused, kept in sensor_readings_rejected (all replicas; null while it cannot be read).
      set_aside_total: await this.readings.countSetAside().catch(() => null),
      anomaly_state_fallbacks: this.previous.fallbacks,
      ...this.metrics.snapshot(),
    }));
    this.registerMetrics();
  }

  /** The ingestion counters that `IngestMetrics` keeps for the status, read by Prometheus at each scrape. */
  private registerMetrics(): void {
    const ingest = this.metrics;
    const counters = [
      [
        'terrawatch_sensor_readings_received_total',
        'Readings received over MQTT and HTTP, valid or not',
        () => ingest.received,
      ],
      ['terrawatch_sensor_readings_stored_total', 'Readings stored (new rows)', () => ingest.stored],
      [
        'terrawatch_sensor_readings_duplicates_total',
        'Valid readings already stored (same sensor and timestamp): not stored again',
        () => ingest.duplicates,
      ],
      [
        'terrawatch_sensor_readings_write_failures_total',
        'Readings whose batch failed to write (MQTT ones are retried, HTTP ones fail their request)',
        () => ingest.writeFailures,
      ],
    ] as const;
    for (const [name, help, read] of counters) this.prometheus.counterOf({ name, help }, read);
    this.prometheus.counterOf(
      {
        name: 'terrawatch_sensor_readings_rejected_total',
        help: 'Readings refused as bad input, by reason (at most 50 reasons, then "other")',
        labelNames: ['reason'],
      },
      () => [...ingest.rejectedByReason].map(([reason, n]) => [{ reason }, n] as const),
    );
    this.prometheus.counterOf(
      {
        name: 'terrawatch_sensor_readings_set_aside_total',
        help: 'Valid readings PostgreSQL refused, set aside in sensor_readings_rejected, by SQLSTATE',
        labelNames: ['sqlstate'],
      },
      () => [...ingest.setAsideBySqlstate].map(([sqlstate, n]) => [{ sqlstate }, n] as const),
    );
  }
}
