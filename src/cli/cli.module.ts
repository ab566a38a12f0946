import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CoreModule } from '../core.module.js';
import { DemoSeedCommand } from '../demo/demo-seed.command.js';
import { JobsCliModule } from '../jobs/jobs.module.js';
import { MigrateCommand } from './migrate.command.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthModule, JobsCliModule],
  providers: [MigrateCommand, DemoSeedCommand],
})
export class CliModule {}
