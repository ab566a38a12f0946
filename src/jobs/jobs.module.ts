import { Module, OnModuleInit } from '@nestjs/common';
import { StatusRegistry } from '../common/status/status.registry.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ContactsController } from './contacts.controller.js';
import { CsvUploadInterceptor } from './http/csv-upload.interceptor.js';
import { JobsProcessor } from './jobs/jobs.processor.js';
import { JobsCoreModule } from './jobs-core.module.js';
import { JobsController } from './jobs.controller.js';
import { JobsQueue } from './jobs.queue.js';
import { ReviewController } from './review.controller.js';
import { IssueLedger } from './services/issue-ledger.js';
import { JobEvents } from './services/job-events.js';
import { JobRunner } from './services/job-runner.service.js';
import { ReviewService } from './services/review.service.js';
import { RejectsService } from './services/rejects.service.js';

/**
 * Data-ingestion jobs: upload, queued staging and validation, issue review and loading. The worker runs in the
 * HTTP app's process (`JobsProcessor`); several replicas share the queue. Staging, review and loading report
 * progress to the job's owner over the realtime gateway, which only the app has.
 */
@Module({
  imports: [JobsCoreModule, RealtimeModule, MetricsModule],
  controllers: [JobsController, ReviewController, ContactsController],
  providers: [
    CsvUploadInterceptor,
    JobEvents,
    IssueLedger,
    JobRunner,
    ReviewService,
    RejectsService,
    JobsProcessor,
  ],
})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly status: StatusRegistry,
    private readonly queue: JobsQueue,
  ) {}

  onModuleInit(): void {
    this.status.register('jobs', async () => ({ queue: await this.queue.counts() }));
  }
}
