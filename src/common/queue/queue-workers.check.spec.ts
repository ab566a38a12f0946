import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Job } from 'bull';
import { currentRequestId } from '../context/request-context.js';
import { defineQueue } from './queue-definition.js';
import { OnJob, QueueWorker } from './queue-worker.decorators.js';
import { findProblems, QueueWorkersCheck } from './queue-workers.check.js';
import { RegisteredQueues } from './registered-queues.js';

enum ExampleJob {
  IMPORT = 'import',
  PURGE = 'purge',
}
const EXAMPLE_QUEUE = defineQueue('example', ExampleJob);
const OTHER_QUEUE = defineQueue('other', { RUN: 'run' });

@QueueWorker(EXAMPLE_QUEUE)
class CompleteWorker {
  @OnJob(EXAMPLE_QUEUE, ExampleJob.IMPORT)
  import(_job: Job) {
    return currentRequestId();
  }

  @OnJob(EXAMPLE_QUEUE, ExampleJob.PURGE)
  purge(_job: Job) {
    return currentRequestId();
  }
}

@Injectable()
@QueueWorker(EXAMPLE_QUEUE)
class IncompleteWorker {
  @OnJob(EXAMPLE_QUEUE, ExampleJob.IMPORT)
  import() {
    return undefined;
  }
}

const job = (id: number, data: object) => ({ id, data }) as unknown as Job;

describe('queue workers', () => {
  it('accepts a worker that handles every job name of its queue', () => {
    expect(findProblems([CompleteWorker], [EXAMPLE_QUEUE])).toEqual([]);
  });

  it('names the job that has no handler', () => {
    expect(findProblems([IncompleteWorker], [EXAMPLE_QUEUE])).toEqual([
      'queue "example" has no @OnJob handler for "purge"',
    ]);
  });

  it('names a registered queue that has no worker', () => {
    expect(findProblems([CompleteWorker], [EXAMPLE_QUEUE, OTHER_QUEUE])).toEqual([
      'queue "other" has no @QueueWorker class in this process',
    ]);
  });

  it('fails the start of an application whose worker misses a handler', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [IncompleteWorker, RegisteredQueues, QueueWorkersCheck],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(/queue "example" has no @OnJob handler for "purge"/);
  });

  it('runs a handler inside the correlation id of the request that queued the job', () => {
    const worker = new CompleteWorker();
    expect(worker.import(job(7, { requestId: 'req-123' }))).toBe('req-123');
  });

  it('gives a job queued outside a request the id of its queue and job', () => {
    expect(new CompleteWorker().purge(job(7, {}))).toBe('example:7');
  });
});
