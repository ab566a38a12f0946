import { Init1700000000000 } from './1700000000000-init.js';
import { Sensors1700000001000 } from './1700000001000-sensors.js';
import { Cloudcasting1700000002000 } from './1700000002000-cloudcasting.js';
import { Species1700000003000 } from './1700000003000-species.js';
import { Scans1700000004000 } from './1700000004000-scans.js';
import { Jobs1700000005000 } from './1700000005000-jobs.js';
import { JobsKinds1700000006000 } from './1700000006000-jobs-kinds.js';
import { SensorsStorage1700000007000 } from './1700000007000-sensors-storage.js';
import { UsersFullName1700000008000 } from './1700000008000-users-full-name.js';
import { SensorsDeadLetters1700000009000 } from './1700000009000-sensors-dead-letters.js';
import { ScansLivePrices1700000010000 } from './1700000010000-scans-live-prices.js';
import { ScansM3651700000011000 } from './1700000011000-scans-m365.js';
import { JobsCopySpeed1700000013000 } from './1700000013000-jobs-copy-speed.js';
import { ObservationsOwnerDatetime1700000015000 } from './1700000015000-observations-owner-datetime.js';

/** Every migration, oldest first. `npm run migration:generate` writes a new file; add it here. */
export const ALL_MIGRATIONS = [
  Init1700000000000,
  Sensors1700000001000,
  Cloudcasting1700000002000,
  Species1700000003000,
  Scans1700000004000,
  Jobs1700000005000,
  JobsKinds1700000006000,
  SensorsStorage1700000007000,
  UsersFullName1700000008000,
  SensorsDeadLetters1700000009000,
  ScansLivePrices1700000010000,
  ScansM3651700000011000,
  JobsCopySpeed1700000013000,
  ObservationsOwnerDatetime1700000015000,
];
