import { AUTH_ENTITIES } from '../auth/entities/index.js';
import { CLOUDCASTING_ENTITIES } from '../cloudcasting/entities/index.js';
import { JOBS_ENTITIES } from '../jobs/entities/index.js';
import { SCANS_ENTITIES } from '../scans/entities/index.js';
import { SENSORS_ENTITIES } from '../sensors/entities/index.js';
import { SPECIES_ENTITIES } from '../species/entities/index.js';

/** Every entity of the application, for the data source and the migration generator. Modules list theirs. */
export const ALL_ENTITIES = [
  ...AUTH_ENTITIES,
  ...CLOUDCASTING_ENTITIES,
  ...SPECIES_ENTITIES,
  ...JOBS_ENTITIES,
  ...SCANS_ENTITIES,
  ...SENSORS_ENTITIES,
];
