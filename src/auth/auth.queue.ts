import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { defineQueue } from '../common/queue/queue-definition.js';
import { QueueAdapter } from '../common/queue/queue-adapter.js';

/** Account mails, sent by the worker after the request has answered (`jobs/account-mail.processor.ts`). */
export enum AuthJob {
  /** `{email}`: a reset token to that address, if it belongs to an active account. */
  PASSWORD_RESET = 'password-reset',
  /** `{userId}` or `{email}`: a verification link, if the account still needs one. */
  VERIFICATION = 'verification',
}

export const AUTH_MAIL_QUEUE = defineQueue('auth-mail', AuthJob);

export type AccountMailJob = { email: string; userId?: never } | { userId: string; email?: never };

/** A mail that cannot go out now (SMTP down) is tried again, 5 times over about two minutes. */
const DELIVERY = { attempts: 5, backoff: { type: 'exponential', delay: 4000 }, removeOnComplete: 1000 };
/** A request that queues mail fails in bounded time when Redis does not answer. */
const ENQUEUE_TIMEOUT_MS = 5000;

/**
 * Every account mail is queued, and the lookups it needs run in the worker: a request that asks for one does the
 * same work whether or not the address has an account, so its timing reveals nothing, and a slow SMTP server never
 * holds a request.
 */
@Injectable()
export class AuthMailQueue extends QueueAdapter<AuthJob, AccountMailJob> {
  constructor(@InjectQueue(AUTH_MAIL_QUEUE.name) queue: Queue<AccountMailJob>) {
    super(queue, AUTH_MAIL_QUEUE);
  }

  enqueue(job: AuthJob, data: AccountMailJob): Promise<string> {
    return this.add(job, data, { jobId: `${job}-${randomUUID()}`, ...DELIVERY }, ENQUEUE_TIMEOUT_MS);
  }
}
