import { Command, CommandRunner, Option } from 'nest-commander';
import { UserDirectory } from '../../auth/index.js';
import { JobStatus } from '../entities/job.entity.js';
import { JobsService } from '../services/jobs.service.js';

interface Options {
  user?: string;
  status?: JobStatus;
  limit?: number;
}

@Command({ name: 'jobs:list', description: 'Jobs, newest first: [--user EMAIL] [--status S] [--limit N]' })
export class JobsListCommand extends CommandRunner {
  constructor(
    private readonly jobs: JobsService,
    private readonly users: UserDirectory,
  ) {
    super();
  }

  async run(_args: string[], options: Options): Promise<void> {
    let userId: string | undefined;
    if (options.user) {
      const user = await this.users.findByEmail(options.user);
      if (!user) throw new Error(`No user with email ${options.user}`);
      userId = user.id;
    }
    const result = await this.jobs.listAll({
      userId,
      status: options.status,
      limit: options.limit ?? 20,
      offset: 0,
    });
    if (result.items.length === 0) {
      console.log('No jobs');
      return;
    }
    console.table(
      result.items.map((j) => ({
        id: j.id,
        kind: j.kind,
        status: j.status,
        file: j.originalFilename,
        rows: `${j.processedRows}/${j.totalRows ?? '?'}`,
        issues: j.issueCount,
        loaded: j.loadedRows,
        owner: j.ownerId,
        created: j.createdAt.toISOString(),
        error: j.error ?? '',
      })),
    );
    console.log(`${result.items.length} of ${result.total} job(s)`);
  }

  @Option({ flags: '--user <email>', description: "only this user's jobs" })
  parseUser(value: string): string {
    return value;
  }

  @Option({ flags: '--status <status>', description: Object.values(JobStatus).join(' | ') })
  parseStatus(value: string): JobStatus {
    if (!Object.values(JobStatus).includes(value as JobStatus)) {
      throw new Error(`--status must be one of ${Object.values(JobStatus).join(', ')}`);
    }
    return value as JobStatus;
  }

  @Option({ flags: '--limit <n>', description: 'at most 100 (default 20)' })
  parseLimit(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error('--limit must be 1..100');
    return n;
  }
}
