import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { runWithRequestId } from '../context/request-context.js';
import { ErrorReporter } from '../errors/error-reporter.js';
import { within } from '../queue/queue-adapter.js';

/** A tick only enqueues: longer than this, Redis is not answering, and the tick is a failure to report. */
const TICK_TIMEOUT_MS = 5000;

export interface CronSchedule {
  /** Unique name in the scheduler registry, e.g. `scans:schedule-tick`. */
  name: string;
  /** A cron expression; from config where operators may change it. */
  expression: string;
  /** Default UTC, so replicas in other time zones tick together. */
  timeZone?: string;
}

/**
 * The one way a module schedules a cron (`crons/<name>.cron.ts` calls it at application bootstrap). The tick only
 * enqueues: it gets the tick's time to compute a deterministic job id, so every replica ticking in the same
 * period queues one job. A tick that fails is reported (logged and sent to Sentry) with its own correlation id,
 * and never stops the schedule.
 */
@Injectable()
export class CronScheduler {
  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly reporter: ErrorReporter,
  ) {}

  schedule(schedule: CronSchedule, tick: (at: Date) => Promise<unknown>): void {
    const job = CronJob.from({
      cronTime: schedule.expression,
      timeZone: schedule.timeZone ?? 'UTC',
      onTick: () => void this.run(schedule.name, tick, new Date()),
    });
    this.registry.addCronJob(schedule.name, job);
    job.start();
  }

  /** Runs one tick as the schedule would (also what tests call to tick at a chosen time). */
  async run(name: string, tick: (at: Date) => Promise<unknown>, at: Date): Promise<void> {
    await runWithRequestId(`cron:${name}:${at.toISOString()}`, async () => {
      try {
        await within(tick(at), TICK_TIMEOUT_MS, `the tick of cron ${name}`);
      } catch (error) {
        this.reporter.report(error, {
          context: 'cron',
          tags: { cron: name },
          message: `Cron ${name}: the tick could not enqueue its job`,
        });
      }
    });
  }
}
