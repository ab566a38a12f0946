import { Module } from '@nestjs/common';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { QueueMetrics } from './queue-metrics.js';

/**
 * Prometheus metrics of the HTTP app at `GET /metrics`. Modules that import it declare their own metrics through
 * `MetricsService`; the HTTP request histogram (`HttpMetrics`, installed by app.setup.ts) and the queues' depths and
 * failures (`QueueMetrics`) are kept here.
 */
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetrics, QueueMetrics],
  exports: [MetricsService, HttpMetrics],
})
export class MetricsModule {}
