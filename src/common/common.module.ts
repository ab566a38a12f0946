import { Global, Module } from '@nestjs/common';
import { ErrorReporter } from './errors/error-reporter.js';
import { RegisteredQueues } from './queue/registered-queues.js';
import { StatusRegistry } from './status/status.registry.js';

@Global()
@Module({
  providers: [StatusRegistry, RegisteredQueues, ErrorReporter],
  exports: [StatusRegistry, RegisteredQueues, ErrorReporter],
})
export class CommonModule {}
