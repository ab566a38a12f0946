import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type LabelValues, Registry } from 'prom-client';
import type { AppConfig } from '../config/app.config.js';
import { metricsConfig, type MetricsConfig } from './metrics.config.js';

/** Every metric of the process starts with it, the default process metrics too. */
const METRIC_PREFIX = 'terrawatch_';

/** The text exposition format that `render` writes. */
export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

export interface MetricDefinition<L extends string> {
  /** The full name, `terrawatch_...`. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** A value kept elsewhere, read at scrape time: one number, or one number per set of labels. */
export type MetricReading<L extends string> = number | Iterable<readonly [LabelValues<L>, number]>;

/**
 * The process's Prometheus registry (its own, not prom-client's global one). Modules declare their metrics here:
 * a counter or histogram they update themselves, or a counter or gauge read at scrape time from what they already
 * keep for `GET /api/v1/status`, so nothing is counted twice.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  private readonly logger = new Logger('Metrics');
  private readonly registry = new Registry();

  constructor(
    @Inject(metricsConfig.KEY) private readonly config: MetricsConfig,
    private readonly appConfig: ConfigService,
  ) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  onModuleInit(): void {
    if (!this.config.enabled) return;
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    if (!this.config.token && this.appConfig.getOrThrow<AppConfig>('app').env === 'production')
      this.logger.warn(
        'GET /metrics is open to anyone who reaches the port: set METRICS_TOKEN or keep it private',
      );
  }

  counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L> {
    return new Counter({ ...definition, registers: [this.registry] });
  }

  histogram<L extends string = never>(
    definition: MetricDefinition<L> & { buckets?: number[] },
  ): Histogram<L> {
    return new Histogram({ ...definition, registers: [this.registry] });
  }

  /** A counter whose total another object keeps (it only grows): read at each scrape. */
  counterOf<L extends string = never>(definition: MetricDefinition<L>, read: () => MetricReading<L>): void {
    new Counter<L>({
      ...definition,
      registers: [this.registry],
      collect() {
        const reading = read();
        this.reset();
        if (typeof reading === 'number') return this.inc(reading);
        for (const [labels, value] of reading) this.inc(labels, value);
      },
    });
  }

  /** A gauge read at each scrape; label sets missing from a reading disappear from the output. */
  gaugeOf<L extends string = never>(
    definition: MetricDefinition<L>,
    read: () => MetricReading<L> | Promise<MetricReading<L>>,
  ): void {
    new Gauge<L>({
      ...definition,
      registers: [this.registry],
      async collect() {
        const reading = await read();
        this.reset();
        if (typeof reading === 'number') return this.set(reading);
        for (const [labels, value] of reading) this.set(labels, value);
      },
    });
  }

  /** Every metric, in the text exposition format (`METRICS_CONTENT_TYPE`). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
