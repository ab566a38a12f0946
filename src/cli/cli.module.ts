import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CloudcastingCliModule } from '../cloudcasting/commands/cloudcasting-cli.module.js';
import { CoreModule } from '../core.module.js';
import { DemoSeedCommand } from '../demo/demo-seed.command.js';
import { JobsCliModule } from '../jobs/jobs.module.js';
import { MigrateCommand } from './migrate.command.js';
import { RefreshObisDataCommand } from '../species/commands/refresh-obis-data.command.js';
import { SpeciesDemoSeedCommand } from '../species/demo/species-demo-seed.command.js';
import { SpeciesModule } from '../species/species.module.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthModule, CloudcastingCliModule, SpeciesModule, JobsCliModule],
  providers: [MigrateCommand, DemoSeedCommand, RefreshObisDataCommand, SpeciesDemoSeedCommand],
})
export class CliModule {}
