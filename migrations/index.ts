import { Init1700000000000 } from './1700000000000-init.js';
import { Scans1700000004000 } from './1700000004000-scans.js';

/** Every migration, oldest first. `npm run migration:generate` writes a new file; add it here. */
export const ALL_MIGRATIONS = [Init1700000000000, Scans1700000004000];
