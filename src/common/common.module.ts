import { Global, Module } from '@nestjs/common';
import { StatusRegistry } from './status/status.registry.js';

@Global()
@Module({ providers: [StatusRegistry], exports: [StatusRegistry] })
export class CommonModule {}
