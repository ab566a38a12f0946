import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, StatusController } from './health.controller.js';
import { StatusService } from './status.service.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, StatusController],
  providers: [StatusService],
})
export class HealthModule {}
