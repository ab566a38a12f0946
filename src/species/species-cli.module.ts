import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RefreshObisDataCommand } from './commands/refresh-obis-data.command.js';
import { SpeciesDemoSeedCommand } from './commands/species-demo-seed.command.js';
import { SpeciesCoreModule } from './species-core.module.js';

/** Species' commands: an OBIS load in this process and the demo data. No worker, no cron; the demo seed finds the demo admin through Auth. */
@Module({
  imports: [SpeciesCoreModule, AuthModule],
  providers: [RefreshObisDataCommand, SpeciesDemoSeedCommand],
})
export class SpeciesCliModule {}
