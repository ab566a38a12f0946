import { BullModule } from '@nestjs/bull';
import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonalDataRegistry } from '../privacy/index.js';
import { PrivacyCoreModule } from '../privacy/privacy-core.module.js';
import { SENSORS_ENTITIES } from './entities/index.js';
import { IngestMetrics } from './ingest-metrics.js';
import { LiveReadings } from './live-readings.js';
import { LiveStream } from './live-stream.js';
import { ReadingWriter } from './reading-writer.js';
import { ReadingsRepository } from './repositories/readings.repository.js';
import { AnomalyJudge } from './services/anomaly-judge.service.js';
import { PreviousValues } from './state/previous-values.js';
import { SENSORS_QUEUE, SensorsQueue } from './sensors.queue.js';
import { RetentionService } from './services/retention.service.js';
import { SensorIngestService } from './services/sensor-ingest.service.js';
import { SensorsPersonalData } from './services/sensors-personal-data.js';
import { SensorsQueryService } from './services/sensors-query.service.js';
import { ThresholdsService } from './services/thresholds.service.js';
import { WeatherService } from './services/weather.service.js';
import { OpenWeatherClient } from './weather/openweather.client.js';

const PROVIDERS = [
  IngestMetrics,
  ReadingWriter,
  ReadingsRepository,
  PreviousValues,
  AnomalyJudge,
  ThresholdsService,
  LiveReadings,
  LiveStream,
  SensorIngestService,
  SensorsQueryService,
  RetentionService,
  OpenWeatherClient,
  WeatherService,
  SensorsQueue,
];

/**
 * Sensors' services, repositories and adapters, without any transport, worker or cron: imported by the HTTP app
 * (SensorsModule), the CLI (SensorsCliModule) and other modules (`SensorIngestService.ingestMany`). Nothing here
 * reads a table at start-up, so the CLI can run `migrate` on an empty database: the HTTP app's SensorsModule loads
 * the thresholds and the sensors' previous values.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(SENSORS_ENTITIES),
    BullModule.registerQueue({ name: SENSORS_QUEUE.name }),
    PrivacyCoreModule,
  ],
  providers: [...PROVIDERS, SensorsPersonalData],
  exports: PROVIDERS,
})
export class SensorsCoreModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly thresholdAuthors: SensorsPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.thresholdAuthors);
  }
}
