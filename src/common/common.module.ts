import { Global, Module } from '@nestjs/common';
import { RegisteredQueues } from './queue/registered-queues.js';
import { StatusRegistry } from './status/status.registry.js';

@Global()
@Module({ providers: [StatusRegistry, RegisteredQueues], exports: [StatusRegistry, RegisteredQueues] })
export class CommonModule {}
