/**
 * What Species shares with other modules: observations and their limits (wiring: `species.module.ts`,
 * `species-core.module.ts`, `species-cli.module.ts`).
 */
export { ObservationsService } from './services/observations.service.js';
export {
  OBSERVATION_ROW_COLUMNS,
  type CreateFromRowsResult,
  type ObservationRowsQuery,
} from './services/observation-rows.js';
export { Sex } from './entities/sex.js';
export {
  inObservationRange,
  isDepthRangeInverted,
  isObservationDatetime,
  OBSERVATION_MAX_LENGTHS,
  OBSERVATION_RANGES,
  OBSERVATION_SEXES,
  type ObservationRange,
} from './rules/observation-limits.js';
