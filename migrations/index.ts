import { Init1700000000000 } from './1700000000000-init.js';
import { Sensors1700000001000 } from './1700000001000-sensors.js';

/** Every migration, oldest first. `npm run migration:generate` writes a new file; add it here. */
export const ALL_MIGRATIONS = [Init1700000000000, Sensors1700000001000];
