import { BullModule } from '@nestjs/bull';
import { Module, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app.config.js';
import { PersonalDataRegistry } from '../privacy/index.js';
import { PrivacyCoreModule } from '../privacy/privacy-core.module.js';
import { SensorsCoreModule } from '../sensors/sensors-core.module.js';
import { SpeciesCoreModule } from '../species/species-core.module.js';
import { JOBS_ENTITIES } from './entities/index.js';
import { JobsConfig } from './jobs.config.js';
import { JOBS_QUEUE, JobsQueue } from './jobs.queue.js';
import { JOB_KIND_CLASSES, jobKindsProvider, JobKindRegistry } from './kinds/registry.js';
import { ContactsService } from './services/contacts.service.js';
import { CsvIntake } from './services/csv-intake.js';
import { JobsDb } from './services/jobs-db.js';
import { JobsPersonalData } from './services/jobs-personal-data.js';
import { JobsService } from './services/jobs.service.js';
import { objectStorageProvider } from './storage/storage.provider.js';

const jobsQueue = BullModule.registerQueueAsync({
  name: JOBS_QUEUE.name,
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

const SERVICES = [JobKindRegistry, CsvIntake, JobsQueue, JobsDb, JobsService, ContactsService];

/**
 * Jobs' use cases without their transports, shared by the HTTP app (`JobsModule`: routes, the worker) and the CLI
 * (`JobsCliModule`: the commands, which must not consume the queue): the kinds, uploading, listing, storage and
 * the queue adapter. The kinds load into the cores of Species and Sensors (their services, not their transports:
 * no second MQTT consumer, no worker).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(JOBS_ENTITIES),
    jobsQueue,
    SpeciesCoreModule,
    SensorsCoreModule,
    PrivacyCoreModule,
  ],
  providers: [...JOB_KIND_CLASSES, jobKindsProvider, objectStorageProvider, ...SERVICES, JobsPersonalData],
  exports: [TypeOrmModule, objectStorageProvider, ...SERVICES],
})
export class JobsCoreModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly uploads: JobsPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.uploads);
  }
}
