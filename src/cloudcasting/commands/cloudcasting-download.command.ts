import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CloudcastingService } from '../services/cloudcasting.service.js';

interface Options {
  force?: boolean;
}

@Command({
  name: 'cloudcasting:download',
  description: 'Fetch and convert the newest cloudcasting forecast in the foreground [--force]',
})
export class CloudcastingDownloadCommand extends CommandRunner {
  constructor(private readonly cloudcasting: CloudcastingService) {
    super();
  }

  async run(_args: string[], options: Options): Promise<void> {
    const interactive = process.stdout.isTTY === true;
    const bar = new SingleBar({
      format: 'cloudcasting [{bar}] {percentage}% | {task}',
      noTTYOutput: !interactive,
      notTTYSchedule: 2000,
      hideCursor: interactive,
    });
    bar.start(100, 0, { task: 'starting' });
    try {
      const outcome = await this.cloudcasting.run({
        force: options.force ?? false,
        onProgress: (task, percent) => bar.update(Math.round(percent), { task }),
      });
      bar.update(100, { task: outcome.status === 'published' ? 'published' : 'up to date' });
      bar.stop();
      if (outcome.status === 'up_to_date') {
        console.log(
          `Up to date: the source has not changed since ${outcome.sourceLastModified.toISOString()} (use --force to convert anyway)`,
        );
        return;
      }
      const f = outcome.forecast;
      console.log(
        `Published ${f.layerCount} layers (${f.channels.length} channels x ${f.stepsMinutes.length} steps, ${f.width}x${f.height}) ` +
          `of init time ${f.initTime?.toISOString() ?? 'unknown'} as set ${f.setId} in ${f.totalMs} ms ` +
          `(download ${f.downloadMs} ms, convert ${f.convertMs} ms, ${(f.totalBytes / 1024 / 1024).toFixed(1)} MB)`,
      );
    } catch (e) {
      bar.stop();
      throw e;
    }
  }

  @Option({ flags: '--force', description: 'Convert even if the source has not changed' })
  parseForce(): boolean {
    return true;
  }
}
