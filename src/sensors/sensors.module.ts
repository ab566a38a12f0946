import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { StatusRegistry } from '../common/status/status.registry.js';
import { RateLimitRegistry } from '../common/throttling/rate-limits.js';
import { RetentionCron } from './crons/retention.cron.js';
import { IngestMetrics } from './ingest-metrics.js';
import { RetentionProcessor } from './jobs/retention.processor.js';
import { ReadingWriter } from './reading-writer.js';
import { SensorsController } from './sensors.controller.js';
import { sensorsConfig, type SensorsConfig } from './sensors.config.js';
import { SensorsGateway } from './sensors.gateway.js';
import { SensorsRateLimit } from './sensors.rate-limits.js';
import { SensorsCoreModule } from './sensors-core.module.js';
import { SensorsMqttConsumer } from './sensors-mqtt.consumer.js';
import { SensorIngestService } from './services/sensor-ingest.service.js';
import { ThresholdsService } from './services/thresholds.service.js';
import { ThresholdsController } from './thresholds.controller.js';
import { WeatherController } from './weather.controller.js';

/**
 * IoT telemetry in the HTTP app: the routes, the `/sensors` live stream, the MQTT consumer, the retention worker and
 * its daily cron, over SensorsCoreModule. Other modules import SensorsCoreModule for
 * `SensorIngestService.ingestMany` (this module would bring a second consumer and worker along).
 */
@Module({
  imports: [SensorsCoreModule, AuthModule],
  controllers: [ThresholdsController, SensorsController, WeatherController],
  providers: [SensorsGateway, SensorsMqttConsumer, RetentionProcessor, RetentionCron],
})
export class SensorsModule implements OnModuleInit {
  constructor(
    private readonly status: StatusRegistry,
    private readonly metrics: IngestMetrics,
    private readonly writer: ReadingWriter,
    private readonly consumer: SensorsMqttConsumer,
    private readonly rateLimits: RateLimitRegistry,
    private readonly thresholds: ThresholdsService,
    private readonly ingest: SensorIngestService,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {}

  /** Before the consumer connects (application bootstrap): the first readings are judged with what is stored. */
  async onModuleInit(): Promise<void> {
    await Promise.all([this.thresholds.startReloading(), this.ingest.preloadPreviousValues()]);
    this.rateLimits.register(SensorsRateLimit.HTTP_INGEST, {
      limit: this.config.httpIngestPerMinute,
      windowMs: 60_000,
      per: 'ip',
    });
    this.status.register('sensors', () => ({
      mqtt_consumer: { client_id: this.consumer.clientId, connected: this.consumer.connected },
      pending_writes: this.writer.pending,
      ...this.metrics.snapshot(),
    }));
  }
}
