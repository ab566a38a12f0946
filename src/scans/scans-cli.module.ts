import { Module } from '@nestjs/common';
import { AccountsRotateKeyCommand } from './commands/accounts-rotate-key.command.js';
import { ScansRunCommand } from './commands/scans-run.command.js';
import { ScansCoreModule } from './scans-core.module.js';

/** Scans in the CLI: the commands over the core, without the worker, the cron or the controllers. */
@Module({
  imports: [ScansCoreModule],
  providers: [ScansRunCommand, AccountsRotateKeyCommand],
})
export class ScansCliModule {}
