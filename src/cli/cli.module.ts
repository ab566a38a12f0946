import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CloudcastingCliModule } from '../cloudcasting/commands/cloudcasting-cli.module.js';
import { CoreModule } from '../core.module.js';
import { DemoSeedCommand } from '../demo/demo-seed.command.js';
import { JobsCliModule } from '../jobs/jobs.module.js';
import { SensorsRetentionCommand } from '../sensors/commands/sensors-retention.command.js';
import { SensorsSimulateCommand } from '../sensors/commands/sensors-simulate.command.js';
import { RetentionService } from '../sensors/retention.service.js';
import { MigrateCommand } from './migrate.command.js';
import { RefreshObisDataCommand } from '../species/commands/refresh-obis-data.command.js';
import { SpeciesDemoSeedCommand } from '../species/demo/species-demo-seed.command.js';
import { SpeciesModule } from '../species/species.module.js';
import { AccountsRotateKeyCommand } from '../scans/commands/accounts-rotate-key.command.js';
import { ScansRunCommand } from '../scans/commands/scans-run.command.js';
import { ScansCoreModule } from '../scans/scans-core.module.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthModule, CloudcastingCliModule, SpeciesModule, ScansCoreModule, JobsCliModule],
  providers: [
    MigrateCommand,
    DemoSeedCommand,
    RefreshObisDataCommand,
    SpeciesDemoSeedCommand,
    ScansRunCommand,
    AccountsRotateKeyCommand,
    // Sensors: the commands need the MQTT publisher and the database, not the whole module (no consumer)
    SensorsSimulateCommand,
    SensorsRetentionCommand,
    RetentionService,
  ],
})
export class CliModule {}
