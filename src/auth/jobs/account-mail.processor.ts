import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { OnJob, QueueWorker } from '../../common/queue/queue-worker.decorators.js';
import { type AccountMailJob, AUTH_MAIL_QUEUE, AuthJob } from '../auth.queue.js';
import { AccountMailService } from '../services/account-mail.service.js';

/** Sends the queued account mails; a failed delivery is retried by the queue (`AuthMailQueue`). */
@QueueWorker(AUTH_MAIL_QUEUE)
export class AccountMailProcessor {
  private readonly logger = new Logger(AccountMailProcessor.name);

  constructor(private readonly mail: AccountMailService) {}

  @OnJob(AUTH_MAIL_QUEUE, AuthJob.PASSWORD_RESET)
  async passwordReset(job: Job<AccountMailJob>): Promise<{ sent: boolean }> {
    return this.deliver(job, () => this.mail.sendPasswordReset(job.data.email as string));
  }

  @OnJob(AUTH_MAIL_QUEUE, AuthJob.VERIFICATION)
  async verification(job: Job<AccountMailJob>): Promise<{ sent: boolean }> {
    const { userId, email } = job.data;
    return this.deliver(job, () =>
      this.mail.sendVerification(userId ? { userId } : { email: email as string }),
    );
  }

  private async deliver(job: Job, send: () => Promise<boolean>): Promise<{ sent: boolean }> {
    try {
      return { sent: await send() };
    } catch (error) {
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger[last ? 'error' : 'warn'](
        { err: error },
        `Account mail (${job.name}) not sent, attempt ${job.attemptsMade + 1}${last ? '; giving up' : '; retrying'}`,
      );
      throw error;
    }
  }
}
