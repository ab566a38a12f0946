import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SpeciesCoreModule } from '../species/species-core.module.js';
import { JobsListCommand } from './commands/jobs-list.command.js';
import { JobsUploadCommand } from './commands/jobs-upload.command.js';
import { JobsCoreModule } from './jobs-core.module.js';

/**
 * The CLI's part of Jobs: the commands, without the worker (a command must not start consuming jobs). Without
 * Sensors' ingestion core either: it reads its tables at start-up and the CLI must run `migrate` on an empty
 * database; a command never loads a job.
 */
@Module({
  imports: [JobsCoreModule.withTargets(SpeciesCoreModule), AuthModule],
  providers: [JobsUploadCommand, JobsListCommand],
})
export class JobsCliModule {}
