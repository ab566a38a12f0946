import { Command, CommandRunner } from 'nest-commander';
import { RetentionService } from '../services/retention.service.js';

/** The retention sweep, now (the daily job does the same). */
@Command({
  name: 'sensors:retention',
  description: 'Delete readings older than SENSORS_RETENTION_DAYS now (in bounded batches)',
})
export class SensorsRetentionCommand extends CommandRunner {
  constructor(private readonly retention: RetentionService) {
    super();
  }

  async run(): Promise<void> {
    const result = await this.retention.purge();
    if (!result.cutoff) console.log('Retention is off (SENSORS_RETENTION_DAYS=0): nothing deleted');
    else
      console.log(
        `Deleted ${result.deleted} readings older than ${result.cutoff}; forgot ${result.sensorsForgotten} silent sensors`,
      );
  }
}
