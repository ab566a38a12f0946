import { Module } from '@nestjs/common';
import { SensorsRetentionCommand } from './commands/sensors-retention.command.js';
import { SensorsSimulateCommand } from './commands/sensors-simulate.command.js';
import { SensorsCoreModule } from './sensors-core.module.js';

/** Sensors' commands for the CLI: the core without the MQTT consumer, the worker or the crons. */
@Module({
  imports: [SensorsCoreModule],
  providers: [SensorsSimulateCommand, SensorsRetentionCommand],
})
export class SensorsCliModule {}
