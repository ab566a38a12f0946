import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { UserDirectory } from '../../auth/index.js';
import { JobsService } from '../services/jobs.service.js';
import { CsvIntake } from '../services/csv-intake.js';

interface Options {
  kind: string;
  file: string;
  user: string;
}

/** The same path as `POST /api/v1/jobs/upload`, for a file on this machine and a user named by email. */
@Command({
  name: 'jobs:upload',
  description: 'Upload a CSV as a job of a user: --kind K --file F --user EMAIL',
})
export class JobsUploadCommand extends CommandRunner {
  constructor(
    private readonly jobs: JobsService,
    private readonly users: UserDirectory,
    private readonly intake: CsvIntake,
  ) {
    super();
  }

  async run(_args: string[], options: Options): Promise<void> {
    const user = await this.users.findByEmail(options.user);
    if (!user) throw new Error(`No user with email ${options.user}`);
    const info = await stat(options.file).catch(() => undefined);
    if (!info?.isFile()) throw new Error(`No such file: ${options.file}`);
    const received = await this.intake.receive(createReadStream(options.file), basename(options.file));
    const { job, ignoredColumns } = await this.jobs.upload(user.id, options.kind, received);
    console.log(
      `Queued job ${job.id} (${job.kind}, ${job.totalRows} rows, ${job.encoding}) for ${user.email}` +
        (ignoredColumns.length ? `; ignored columns: ${ignoredColumns.join(', ')}` : ''),
    );
  }

  @Option({ flags: '--kind <kind>', required: true, description: 'e.g. contacts' })
  parseKind(value: string): string {
    return value;
  }

  @Option({ flags: '--file <path>', required: true })
  parseFile(value: string): string {
    return value;
  }

  @Option({ flags: '--user <email>', required: true, description: 'owner of the job' })
  parseUser(value: string): string {
    return value;
  }
}
