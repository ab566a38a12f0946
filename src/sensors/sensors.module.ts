import { BullModule } from '@nestjs/bull';
import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { StatusRegistry } from '../common/status/status.registry.js';
import { RateLimitRegistry } from '../common/throttling/rate-limits.js';
import { sensorsConfig, type SensorsConfig } from './sensors.config.js';
import { SensorsRateLimit } from './sensors.rate-limits.js';
import { RetentionCron } from './crons/retention.cron.js';
import { IngestMetrics } from './ingest-metrics.js';
import { RetentionProcessor, SENSORS_QUEUE } from './jobs/retention.processor.js';
import { ReadingWriter } from './reading-writer.js';
import { RetentionService } from './retention.service.js';
import { SensorsController } from './sensors.controller.js';
import { SensorsIngestModule } from './sensors-ingest.module.js';
import { SensorsMqttConsumer } from './sensors-mqtt.consumer.js';
import { SensorsQueryService } from './sensors-query.service.js';
import { ThresholdsController } from './thresholds.controller.js';
import { OpenWeatherClient } from './weather/openweather.client.js';
import { WeatherController } from './weather/weather.controller.js';
import { WeatherService } from './weather/weather.service.js';

/**
 * IoT telemetry: MQTT and HTTP ingestion with batched writes, anomaly alerts, the `/sensors` live stream, queries,
 * OpenWeather comparison and retention. Other modules import SensorsIngestModule for
 * `SensorIngestService.ingestMany` (this module would bring the MQTT consumer and the retention worker along).
 */
@Module({
  imports: [SensorsIngestModule, BullModule.registerQueue({ name: SENSORS_QUEUE }), AuthModule],
  controllers: [ThresholdsController, SensorsController, WeatherController],
  providers: [
    SensorsMqttConsumer,
    SensorsQueryService,
    OpenWeatherClient,
    WeatherService,
    RetentionService,
    RetentionProcessor,
    RetentionCron,
  ],
  exports: [SensorsIngestModule],
})
export class SensorsModule implements OnModuleInit {
  constructor(
    private readonly status: StatusRegistry,
    private readonly metrics: IngestMetrics,
    private readonly writer: ReadingWriter,
    private readonly consumer: SensorsMqttConsumer,
    private readonly rateLimits: RateLimitRegistry,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {}

  onModuleInit(): void {
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
