import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { SensorThreshold } from './entities/sensor-threshold.entity.js';
import { IngestMetrics } from './ingest-metrics.js';
import { LiveReadings } from './live-readings.js';
import { ReadingWriter } from './reading-writer.js';
import { SensorIngestService } from './sensor-ingest.service.js';
import { SensorsGateway } from './sensors.gateway.js';
import { ThresholdsService } from './thresholds.service.js';

/**
 * The ingestion core (validation, anomaly verdict, batched writes, live events), without the MQTT consumer, the
 * retention worker or the routes: what another module imports to use `SensorIngestService.ingestMany`, in the
 * HTTP app and in the CLI alike (where no consumer or worker may start). SensorsModule imports it too, so in the
 * app there is one instance of each of these providers.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SensorThreshold]), AuthModule],
  providers: [
    IngestMetrics,
    ReadingWriter,
    ThresholdsService,
    LiveReadings,
    SensorsGateway,
    SensorIngestService,
  ],
  exports: [
    IngestMetrics,
    ReadingWriter,
    ThresholdsService,
    LiveReadings,
    SensorsGateway,
    SensorIngestService,
  ],
})
export class SensorsIngestModule {}
