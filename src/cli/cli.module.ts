import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CoreModule } from '../core.module.js';
import { DemoSeedCommand } from '../demo/demo-seed.command.js';
import { MigrateCommand } from './migrate.command.js';
import { AccountsRotateKeyCommand } from '../scans/commands/accounts-rotate-key.command.js';
import { ScansRunCommand } from '../scans/commands/scans-run.command.js';
import { ScansCoreModule } from '../scans/scans-core.module.js';

/** The modules and commands of `npm run cli -- <command>`. */
@Module({
  imports: [CoreModule, AuthModule, ScansCoreModule],
  providers: [MigrateCommand, DemoSeedCommand, ScansRunCommand, AccountsRotateKeyCommand],
})
export class CliModule {}
