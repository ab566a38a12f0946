import { Module } from '@nestjs/common';
import { AuthCoreModule } from '../auth/auth-core.module.js';
import { PrivacyEraseCommand } from './commands/privacy-erase.command.js';
import { PrivacyExportCommand } from './commands/privacy-export.command.js';
import { PrivacyCoreModule } from './privacy-core.module.js';
import { PrivacyService } from './services/privacy.service.js';

/** Privacy's commands (`privacy:export`, `privacy:erase`) for the CLI, over the contributors the CLI's cores register. */
@Module({
  imports: [PrivacyCoreModule, AuthCoreModule],
  providers: [PrivacyService, PrivacyExportCommand, PrivacyEraseCommand],
})
export class PrivacyCliModule {}
