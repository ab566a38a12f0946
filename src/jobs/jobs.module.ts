import { BullModule } from '@nestjs/bull';
import { Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/index.js';
import { StatusRegistry } from '../common/status/status.registry.js';
import { AppConfig } from '../config/app.config.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SensorsIngestModule } from '../sensors/index.js';
import { SpeciesCoreModule } from '../species/index.js';
import { JobsListCommand } from './commands/jobs-list.command.js';
import { JobsUploadCommand } from './commands/jobs-upload.command.js';
import { Contact } from './contacts/contact.entity.js';
import { ContactsController } from './contacts/contacts.controller.js';
import { ContactsService } from './contacts/contacts.service.js';
import { JobIssue } from './entities/job-issue.entity.js';
import { Job } from './entities/job.entity.js';
import { StagingRow } from './entities/staging-row.entity.js';
import { JOBS_QUEUE, JobQueue } from './jobs/job-queue.js';
import { JobsProcessor } from './jobs/jobs.processor.js';
import { JobsConfig } from './jobs.config.js';
import { JobsController } from './jobs.controller.js';
import { JOB_KIND_CLASSES, jobKindsProvider, JobKindRegistry } from './kinds/registry.js';
import { ReviewController } from './review/review.controller.js';
import { ReviewService } from './review/review.service.js';
import { IssueLedger } from './services/issue-ledger.js';
import { JobEvents } from './services/job-events.js';
import { JobRunner } from './services/job-runner.service.js';
import { JobsDb } from './services/jobs-db.js';
import { JobsService } from './services/jobs.service.js';
import { objectStorageProvider } from './storage/storage.provider.js';
import { CsvIntake } from './upload/csv-intake.js';
import { CsvUploadInterceptor } from './upload/csv-upload.interceptor.js';

const jobsQueue = BullModule.registerQueueAsync({
  name: JOBS_QUEUE,
  inject: [ConfigService],
  useFactory: (config: ConfigService) => {
    const jobs = config.getOrThrow<JobsConfig>('jobs');
    return {
      url: jobs.queueRedisUrl ?? config.getOrThrow<AppConfig>('app').redisUrl,
      settings: {
        lockDuration: jobs.lockDurationMs,
        stalledInterval: jobs.stalledIntervalMs,
        // A run that lost its worker (crash, kill) is taken up again twice before it counts as failed.
        maxStalledCount: 2,
      },
    };
  },
});

/** What both the HTTP app and the CLI need: uploading and listing jobs. */
const SHARED = [
  ...JOB_KIND_CLASSES,
  jobKindsProvider,
  JobKindRegistry,
  objectStorageProvider,
  CsvIntake,
  JobQueue,
  JobsDb,
  JobsService,
];

const IMPORTS = [
  TypeOrmModule.forFeature([Job, StagingRow, JobIssue, Contact]),
  jobsQueue,
  AuthModule,
  SpeciesCoreModule,
];

/**
 * Data-ingestion jobs: upload, queued staging and validation, issue review and loading. The worker runs in the
 * HTTP app's process (`JobsProcessor`); several replicas share the queue.
 */
@Module({
  // The loaders' targets: Species (in IMPORTS, the CLI loads it anyway) and Sensors' ingestion core, which only
  // the app gets: it reads its tables at start-up (the CLI must run `migrate` on an empty database) and the CLI
  // never loads a job. SensorsIngestModule rather than SensorsModule: no second copy of the MQTT consumer to fear.
  imports: [...IMPORTS, RealtimeModule, SensorsIngestModule],
  controllers: [JobsController, ReviewController, ContactsController],
  providers: [
    ...SHARED,
    CsvUploadInterceptor,
    JobEvents,
    IssueLedger,
    JobRunner,
    ReviewService,
    ContactsService,
    JobsProcessor,
  ],
  exports: [ContactsService],
})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly status: StatusRegistry,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.status.register('jobs', async () => ({ queue: await this.queue.counts() }));
  }
}

/** The CLI's part of the module: the commands, without the worker (a command must not start consuming jobs). */
@Module({
  imports: IMPORTS,
  providers: [...SHARED, JobsUploadCommand, JobsListCommand],
})
export class JobsCliModule {}
