import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { QueueDefinition } from './queue-definition.js';
import { jobHandlersOf, workerQueueOf } from './queue-worker.decorators.js';
import { RegisteredQueues } from './registered-queues.js';

/**
 * Start-up check of the worker process (the HTTP app): every queue registered in it has a `@QueueWorker`, and every
 * job name of every queue has an `@OnJob` handler. A job nobody handles would wait in Redis forever; this makes the
 * mistake a failed start with a message instead.
 */
@Injectable()
export class QueueWorkersCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly queues: RegisteredQueues,
  ) {}

  onApplicationBootstrap(): void {
    const problems = findProblems(
      this.discovery.getProviders().map((wrapper) => wrapper.metatype),
      this.queues.list().map((registered) => registered.definition),
    );
    if (problems.length > 0) throw new Error(`Queue workers are incomplete:\n  - ${problems.join('\n  - ')}`);
  }
}

/** What is missing, one line per problem; `registered` are the queues that must have a worker. */
export function findProblems(types: unknown[], registered: QueueDefinition[]): string[] {
  const workers = new Map<string, { queue: QueueDefinition; handled: Set<string> }>();
  const problems: string[] = [];
  for (const type of types) {
    const queue = workerQueueOf(type);
    if (!queue) continue;
    const entry = workers.get(queue.name) ?? { queue, handled: new Set<string>() };
    for (const handler of jobHandlersOf(type)) {
      if (handler.queue !== queue.name)
        problems.push(
          `${(type as { name: string }).name}.${handler.method} handles "${handler.job}" of queue "${handler.queue}", but the class works for queue "${queue.name}"`,
        );
      entry.handled.add(handler.job);
    }
    workers.set(queue.name, entry);
  }
  for (const queue of registered)
    if (!workers.has(queue.name))
      problems.push(`queue "${queue.name}" has no @QueueWorker class in this process`);
  for (const { queue, handled } of workers.values()) {
    const missing = queue.jobs.filter((job) => !handled.has(job));
    if (missing.length > 0)
      problems.push(
        `queue "${queue.name}" has no @OnJob handler for ${missing.map((j) => `"${j}"`).join(', ')}`,
      );
  }
  return problems;
}
