/**
 * What Metrics shares (wiring: `metrics.module.ts`): the registry other modules declare their metrics in, and the
 * HTTP middleware that app.setup.ts installs.
 */
export { MetricsService, type MetricDefinition, type MetricReading } from './metrics.service.js';
export { HttpMetrics } from './http-metrics.js';
