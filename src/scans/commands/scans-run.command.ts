import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { ScanRunner } from '../services/scan-runner.js';
import { ScansService } from '../services/scans.service.js';

interface Options {
  account: string;
}

@Command({
  name: 'scans:run',
  description: 'Scan one cloud account now, in this process, with a progress bar: --account ID',
})
export class ScansRunCommand extends CommandRunner {
  constructor(
    private readonly scans: ScansService,
    private readonly runner: ScanRunner,
  ) {
    super();
  }

  async run(_args: string[], options: Options): Promise<void> {
    if (!options.account) throw new Error('--account is required');
    const { scan, account } = await this.scans.createForCli(options.account);
    console.log(
      `Scanning ${account.provider} account '${account.name}' (${account.regions.join(', ')}), scan ${scan.id}`,
    );
    const bar = new SingleBar({
      format: '{bar} {percentage}% | {step} {region} | {orphans} orphans',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 2000,
    });
    bar.start(100, 0, { step: 'starting', region: '', orphans: 0 });
    const result = await this.runner.run(scan.id, (progress) =>
      bar.update(progress.progress, {
        step: progress.currentStep ?? '',
        region: progress.currentRegion ?? '',
        orphans: progress.orphansFound,
      }),
    );
    bar.stop();
    if (!result) throw new Error(`Scan ${scan.id} disappeared`);
    console.log(
      `Scan ${result.id} ${result.status}: ${result.resourcesScanned} resources examined, ${result.orphansFound} orphans, ` +
        `$${result.estimatedMonthlyWaste.toFixed(2)}/month`,
    );
    for (const error of result.regionErrors)
      console.log(
        `  ${error.region}${error.step ? ` ${error.step}` : ''}: ${error.code ?? ''} ${error.message}`,
      );
    if (result.status !== 'completed') {
      if (result.errorMessage) console.error(result.errorMessage);
      process.exitCode = 1;
    }
  }

  @Option({ flags: '--account <id>', description: 'the cloud account id', required: true })
  parseAccount(value: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(value)) throw new Error('--account must be a cloud account id (UUID)');
    return value;
  }
}
