import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CronScheduler } from './cron-scheduler.js';

/** Cron scheduling for the HTTP app, the one process kind that ticks; the CLI never loads it. */
@Global()
@Module({ imports: [ScheduleModule.forRoot()], providers: [CronScheduler], exports: [CronScheduler] })
export class SchedulingModule {}
