import { SingleBar, Presets } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EtlRun } from '../entities/etl-run.entity.js';
import { EtlRequest, EtlService } from '../services/etl.service.js';

interface Options {
  mode?: string;
  pages?: number;
  startDate?: string;
  endDate?: string;
  taxonid?: string;
  geometry?: string;
  resume?: string;
}

/**
 * Loads OBIS occurrences in this process (recorded in etl_runs like a queued run), with a progress bar and a
 * summary line. A failed run can be continued from its cursor with `--resume RUN_ID`.
 */
@Command({
  name: 'refresh-obis-data',
  description:
    'Load OBIS occurrences: --mode incremental|full [--pages N] [--start-date YYYY-MM-DD] [--end-date YYYY-MM-DD] [--taxonid ID] [--geometry WKT] [--resume RUN_ID]',
})
export class RefreshObisDataCommand extends CommandRunner {
  constructor(private readonly etl: EtlService) {
    super();
  }

  async run(_args: string[], options: Options): Promise<void> {
    const run = options.resume
      ? await this.etl.resumable(options.resume)
      : await this.etl.createRun(this.request(options), 'cli');
    console.log(
      `ETL run ${run.id} (${run.mode}) ${options.resume ? `resumed from ${run.cursor ?? 'start'}` : 'started'}`,
    );
    const bar = new SingleBar(
      {
        format: 'OBIS pages {bar} {value}/{total} | {fetched} fetched',
        clearOnComplete: false,
        noTTYOutput: false,
      },
      Presets.shades_classic,
    );
    let started = false;
    try {
      const done = await this.etl.execute(run.id, (progress, total) => {
        const pages = run.parameters.pages ?? Math.max(1, Math.ceil(total / run.parameters.size));
        if (!started) bar.start(pages, progress.pages, { fetched: progress.fetched });
        started = true;
        bar.setTotal(Math.max(pages, progress.pages));
        bar.update(progress.pages, { fetched: progress.fetched });
      });
      if (started) bar.stop();
      console.log(summary(done));
    } catch (error) {
      if (started) bar.stop();
      const failed = await this.etl.get(run.id);
      console.log(summary(failed));
      throw new Error(`${(error as Error).message} (resume with --resume ${run.id})`);
    }
  }

  private request(options: Options): EtlRequest {
    const mode = options.mode ?? 'incremental';
    if (mode !== 'incremental' && mode !== 'full') throw new Error('--mode must be incremental or full');
    return {
      mode,
      pages: options.pages,
      startDate: options.startDate,
      endDate: options.endDate,
      taxonId: options.taxonid,
      geometry: options.geometry,
    };
  }

  @Option({ flags: '--mode <mode>', description: 'incremental (default) or full' })
  parseMode(value: string): string {
    return value;
  }

  @Option({ flags: '--pages <n>', description: 'stop after N pages' })
  parsePages(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error('--pages must be a positive integer');
    return n;
  }

  @Option({ flags: '--start-date <date>', description: 'YYYY-MM-DD' })
  parseStartDate(value: string): string {
    return value;
  }

  @Option({ flags: '--end-date <date>', description: 'YYYY-MM-DD' })
  parseEndDate(value: string): string {
    return value;
  }

  @Option({ flags: '--taxonid <id>', description: 'AphiaID(s), comma-separated' })
  parseTaxonId(value: string): string {
    return value;
  }

  @Option({ flags: '--geometry <wkt>', description: 'WKT polygon (default: the whole globe)' })
  parseGeometry(value: string): string {
    return value;
  }

  @Option({ flags: '--resume <runId>', description: 'continue a failed or interrupted run from its cursor' })
  parseResume(value: string): string {
    return value;
  }
}

function summary(run: EtlRun): string {
  return `ETL run ${run.id} ${run.status}: pages=${run.pages} fetched=${run.fetched} inserted=${run.inserted} updated=${run.updated} skipped=${run.skipped} errors=${run.errors} removed=${run.removed} cursor=${run.cursor ?? '-'}`;
}
