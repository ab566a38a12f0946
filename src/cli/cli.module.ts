import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CoreModule } from '../core.module.js';
import { DemoSeedCommand } from '../demo/demo-seed.command.js';
import { SensorsSimulateCommand } from '../sensors/commands/sensors-simulate.command.js';
import { MigrateCommand } from './migrate.command.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthModule],
  providers: [
    MigrateCommand,
    DemoSeedCommand,
    // Sensors (the simulator only needs the MQTT publisher, not the whole module)
    SensorsSimulateCommand,
  ],
})
export class CliModule {}
