import { Command, CommandRunner } from 'nest-commander';
import { RetentionService } from '../services/retention.service.js';

/** The retention sweep, now (the daily job does the same). */
@Command({
  name: 'sensors:retention',
  description:
    "Create the coming days' partitions, then drop/delete readings older than SENSORS_RETENTION_DAYS now",
})
export class SensorsRetentionCommand extends CommandRunner {
  constructor(private readonly retention: RetentionService) {
    super();
  }

  async run(): Promise<void> {
    const result = await this.retention.purge();
    if (result.partitionsCreated.length)
      console.log(`Created partitions ${result.partitionsCreated.join(', ')}`);
    if (!result.cutoff) console.log('Retention is off (SENSORS_RETENTION_DAYS=0): nothing deleted');
    else
      console.log(
        `Deleted ${result.deleted} readings older than ${result.cutoff}; forgot ${result.sensorsForgotten} silent sensors; ` +
          `dropped ${result.partitionsDropped.length} partitions, deleted ${result.rollupRowsDeleted} rollup rows`,
      );
  }
}
