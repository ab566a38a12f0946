/** Sensors' public surface: everything another module (or the app and CLI roots) may use. */
export { SensorsModule } from './sensors.module.js';
export { SensorsCoreModule } from './sensors-core.module.js';
export { SensorsCliModule } from './sensors-cli.module.js';
export { SensorIngestService, type IngestItemResult } from './services/sensor-ingest.service.js';
export {
  MAX_UNIT_CHARS,
  NAME_PATTERN,
  NAME_RULE,
  ORIGINS,
  type Origin,
  parseReadingTimestamp,
  readingTimestampOutOfRange,
  SOURCE_PROTOCOLS,
  type SourceProtocol,
} from './sensors.rules.js';
/**
 * The former name of SensorsCoreModule, kept only while `jobs/jobs.module.ts` (being reshaped beside this change)
 * still imports it; the merge switches Jobs to SensorsCoreModule and removes this line.
 */
export { SensorsCoreModule as SensorsIngestModule } from './sensors-core.module.js';
