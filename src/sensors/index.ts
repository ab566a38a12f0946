/**
 * What Sensors shares with other modules: ingestion and the reading rules (wiring: `sensors.module.ts`,
 * `sensors-core.module.ts`, `sensors-cli.module.ts`).
 */
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
