/** Sensors' public surface: everything another module (or the app and CLI roots) may use. */
export { SensorsModule } from './sensors.module.js';
export { SensorsIngestModule } from './sensors-ingest.module.js';
export { SensorIngestService } from './sensor-ingest.service.js';
export { SensorsSimulateCommand } from './commands/sensors-simulate.command.js';
export { SensorsRetentionCommand } from './commands/sensors-retention.command.js';
export { RetentionService } from './retention.service.js';
