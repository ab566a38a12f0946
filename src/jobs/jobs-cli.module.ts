import { Module } from '@nestjs/common';
import { AuthCoreModule } from '../auth/auth-core.module.js';
import { JobsListCommand } from './commands/jobs-list.command.js';
import { JobsUploadCommand } from './commands/jobs-upload.command.js';
import { JobsCoreModule } from './jobs-core.module.js';

/** Jobs' commands (`jobs:upload`, `jobs:list`) for the CLI; a command never consumes the queue. */
@Module({
  imports: [JobsCoreModule, AuthCoreModule],
  providers: [JobsUploadCommand, JobsListCommand],
})
export class JobsCliModule {}
