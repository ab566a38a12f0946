import { CuratedObservation } from './curated-observation.entity.js';
import { EtlRun } from './etl-run.entity.js';
import { Observation } from './observation.entity.js';
import { VernacularName } from './vernacular-name.entity.js';

export const SPECIES_ENTITIES = [CuratedObservation, Observation, EtlRun, VernacularName];
