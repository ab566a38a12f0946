import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { CloudcastingCliModule } from '../cloudcasting/index.js';
import { CoreModule } from '../core.module.js';
import { JobsCliModule } from '../jobs/index.js';
import { SensorsCliModule } from '../sensors/index.js';
import { MigrateCommand } from './migrate.command.js';
import { RefreshObisDataCommand, SpeciesDemoSeedCommand, SpeciesModule } from '../species/index.js';
import { AccountsRotateKeyCommand, ScansRunCommand, ScansCoreModule } from '../scans/index.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [
    CoreModule,
    AuthModule,
    CloudcastingCliModule,
    SpeciesModule,
    ScansCoreModule,
    JobsCliModule,
    SensorsCliModule,
  ],
  providers: [
    MigrateCommand,
    RefreshObisDataCommand,
    SpeciesDemoSeedCommand,
    ScansRunCommand,
    AccountsRotateKeyCommand,
  ],
})
export class CliModule {}
