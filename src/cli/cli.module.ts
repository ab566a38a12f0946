import { Module } from '@nestjs/common';
import { AuthCliModule } from '../auth/auth-cli.module.js';
import { CloudcastingCliModule } from '../cloudcasting/cloudcasting-cli.module.js';
import { CoreModule } from '../core.module.js';
import { JobsCliModule } from '../jobs/jobs-cli.module.js';
import { SensorsCliModule } from '../sensors/sensors-cli.module.js';
import { MigrateCommand } from './migrate.command.js';
import { PrivacyCliModule } from '../privacy/privacy-cli.module.js';
import { SpeciesCliModule } from '../species/species-cli.module.js';
import { ScansCliModule } from '../scans/scans-cli.module.js';

/** The modules and commands of `npm run cli -- <command>`: each module's CLI module brings its own commands. */
@Module({
  imports: [
    CoreModule,
    AuthCliModule,
    CloudcastingCliModule,
    SpeciesCliModule,
    ScansCliModule,
    JobsCliModule,
    SensorsCliModule,
    PrivacyCliModule,
  ],
  providers: [MigrateCommand],
})
export class CliModule {}
