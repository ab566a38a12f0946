import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { CloudcastingCliModule } from '../cloudcasting/index.js';
import { CoreModule } from '../core.module.js';
import { JobsCliModule } from '../jobs/index.js';
import { SensorsRetentionCommand, SensorsSimulateCommand, RetentionService } from '../sensors/index.js';
import { MigrateCommand } from './migrate.command.js';
import { RefreshObisDataCommand, SpeciesDemoSeedCommand, SpeciesModule } from '../species/index.js';
import { ScansCliModule } from '../scans/index.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthModule, CloudcastingCliModule, SpeciesModule, ScansCliModule, JobsCliModule],
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
