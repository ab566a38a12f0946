import { Init1700000000000 } from './1700000000000-init.js';
import { Jobs1700000005000 } from './1700000005000-jobs.js';

/** Every migration, oldest first. `npm run migration:generate` writes a new file; add it here. */
export const ALL_MIGRATIONS = [Init1700000000000, Jobs1700000005000];
