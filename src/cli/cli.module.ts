import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CoreModule } from '../core.module.js';
import { DemoSeedCommand } from '../demo/demo-seed.command.js';
import { SensorsRetentionCommand } from '../sensors/commands/sensors-retention.command.js';
import { SensorsSimulateCommand } from '../sensors/commands/sensors-simulate.command.js';
import { RetentionService } from '../sensors/retention.service.js';
import { MigrateCommand } from './migrate.command.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthModule],
  providers: [
    MigrateCommand,
    DemoSeedCommand,
    // Sensors: the commands need the MQTT publisher and the database, not the whole module (no consumer)
    SensorsSimulateCommand,
    SensorsRetentionCommand,
    RetentionService,
  ],
})
export class CliModule {}
