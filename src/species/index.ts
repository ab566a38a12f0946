/** Species' public surface: everything another module (or the app and CLI roots) may use. */
export { SpeciesModule } from './species.module.js';
export { SpeciesCoreModule } from './species-core.module.js';
export { SpeciesCliModule } from './species-cli.module.js';
export { ObservationsService } from './services/observations.service.js';
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
