import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { scansConfig, type ScansConfig } from '../scans.config.js';
import { ScansService } from '../services/scans.service.js';

/** Every hour, on every replica: enqueue that hour's tick. Its job id is the hour, so it runs once overall. */
@Injectable()
export class ScheduledScansCron {
  private readonly logger = new Logger(ScheduledScansCron.name);

  constructor(
    private readonly scans: ScansService,
    @Inject(scansConfig.KEY) private readonly config: ScansConfig,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'scans:schedule-tick', timeZone: 'UTC' })
  async tick(): Promise<void> {
    if (!this.config.schedulerEnabled) return;
    await this.scans
      .enqueueTick(new Date())
      .catch((e: Error) => this.logger.error({ err: e }, 'Could not enqueue the scheduled-scans tick'));
  }
}
