import { Module } from '@nestjs/common';
import { AuthCliModule } from '../auth/auth-cli.module.js';
import { CloudcastingCliModule } from '../cloudcasting/cloudcasting-cli.module.js';
import { CoreModule } from '../core.module.js';
import { JobsCliModule } from '../jobs/jobs-cli.module.js';
import { SensorsRetentionCommand, SensorsSimulateCommand, RetentionService } from '../sensors/index.js';
import { MigrateCommand } from './migrate.command.js';
import { RefreshObisDataCommand, SpeciesDemoSeedCommand, SpeciesModule } from '../species/index.js';
import { ScansCliModule } from '../scans/scans-cli.module.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthCliModule, CloudcastingCliModule, SpeciesModule, ScansCliModule, JobsCliModule],
  providers: [
    MigrateCommand,
    RefreshObisDataCommand,
    SpeciesDemoSeedCommand,
    // Sensors: the commands need the MQTT publisher and the database, not the whole module (no consumer)
    SensorsSimulateCommand,
    SensorsRetentionCommand,
    RetentionService,
  ],
})
export class CliModule {}
