import { getQueueToken } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { definedQueues, type QueueDefinition } from './queue-definition.js';

export interface RegisteredQueue {
  definition: QueueDefinition;
  queue: Queue;
}

/**
 * The queues defined (`defineQueue`) and registered (`BullModule.registerQueue`) in this process: every module's
 * queue in the HTTP app, fewer in a test or the CLI. Found by their Bull token, without importing any module.
 */
@Injectable()
export class RegisteredQueues {
  constructor(private readonly moduleRef: ModuleRef) {}

  list(): RegisteredQueue[] {
    return definedQueues().flatMap((definition) => {
      try {
        return [
          { definition, queue: this.moduleRef.get<Queue>(getQueueToken(definition.name), { strict: false }) },
        ];
      } catch {
        return [];
      }
    });
  }
}
