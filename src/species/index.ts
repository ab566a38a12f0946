/** Species' public surface: everything another module (or the app and CLI roots) may use. */
export { SpeciesModule } from './species.module.js';
export { SpeciesWorkerModule } from './species-worker.module.js';
export { ObservationsService } from './observations/observations.service.js';
export { RefreshObisDataCommand } from './commands/refresh-obis-data.command.js';
export { SpeciesDemoSeedCommand } from './demo/species-demo-seed.command.js';
