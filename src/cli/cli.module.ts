import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { CloudcastingCliModule } from '../cloudcasting/index.js';
import { CoreModule } from '../core.module.js';
import { JobsCliModule } from '../jobs/index.js';
import { SensorsRetentionCommand, SensorsSimulateCommand, RetentionService } from '../sensors/index.js';
import { MigrateCommand } from './migrate.command.js';
import { SpeciesCliModule } from '../species/index.js';
import { AccountsRotateKeyCommand, ScansRunCommand, ScansCoreModule } from '../scans/index.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthModule, CloudcastingCliModule, SpeciesCliModule, ScansCoreModule, JobsCliModule],
  providers: [
    MigrateCommand,
    ScansRunCommand,
    AccountsRotateKeyCommand,
    // Sensors: the commands need the MQTT publisher and the database, not the whole module (no consumer)
    SensorsSimulateCommand,
    SensorsRetentionCommand,
    RetentionService,
  ],
})
export class CliModule {}
