import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Thresholds } from '../anomaly-detector.js';
import { SensorThreshold, type ThresholdScope } from '../entities/sensor-threshold.entity.js';
import { sensorsConfig, type SensorsConfig } from '../sensors.config.js';
import { SensorsError, SensorsErrorCode } from '../sensors.errors.js';

/** Where an effective threshold comes from, most specific first. */
export type ThresholdSource = 'sensor' | 'type' | 'config';

export interface EffectiveThresholds extends Thresholds {
  source: ThresholdSource;
}

/** Other replicas' changes through the API are picked up within this delay. */
const RELOAD_MS = 5000;

/**
 * The thresholds the anomaly detector uses: per-sensor overrides, then per-type overrides (both set by admins
 * through the API, stored in `sensor_thresholds`), then the configuration (built-in defaults merged with
 * `SENSORS_THRESHOLDS`). Held in memory for the hot path and reloaded periodically once the HTTP app starts it
 * (`startReloading`); until then only the configuration applies (the CLI, which never judges a reading, never
 * reads the table, so it runs on a database not yet migrated).
 */
@Injectable()
export class ThresholdsService implements OnModuleDestroy {
  private readonly logger = new Logger(ThresholdsService.name);
  private bySensor = new Map<string, Thresholds>();
  private byType = new Map<string, Thresholds>();
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(SensorThreshold) private readonly repo: Repository<SensorThreshold>,
    @Inject(sensorsConfig.KEY) private readonly config: SensorsConfig,
  ) {}

  /** Loads the overrides now, then every few seconds. */
  async startReloading(): Promise<void> {
    await this.reload();
    this.reloadTimer = setInterval(() => {
      this.reload().catch((e: Error) => this.logger.warn(`Reloading thresholds failed: ${e.message}`));
    }, RELOAD_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /** The thresholds that apply to one sensor, or undefined when its type has none. */
  resolve(sensorType: string, sensorId: string): Thresholds | undefined {
    return this.bySensor.get(sensorId) ?? this.byType.get(sensorType) ?? this.config.thresholds[sensorType];
  }

  effective(sensorType: string, sensorId?: string): EffectiveThresholds | null {
    const sensor = sensorId ? this.bySensor.get(sensorId) : undefined;
    if (sensor) return { ...sensor, source: 'sensor' };
    const type = this.byType.get(sensorType);
    if (type) return { ...type, source: 'type' };
    const configured = this.config.thresholds[sensorType];
    return configured ? { ...configured, source: 'config' } : null;
  }

  /** Every type with thresholds (configured or overridden), and every per-sensor override. */
  list(): { types: Record<string, EffectiveThresholds>; sensors: Record<string, Thresholds> } {
    const types: Record<string, EffectiveThresholds> = {};
    for (const type of new Set([...Object.keys(this.config.thresholds), ...this.byType.keys()]))
      types[type] = this.effective(type) as EffectiveThresholds;
    return { types, sensors: Object.fromEntries(this.bySensor) };
  }

  async set(scope: ThresholdScope, subject: string, t: Thresholds, userId: string): Promise<Thresholds> {
    if (t.min !== null && t.max !== null && t.min > t.max)
      throw new SensorsError(SensorsErrorCode.INVALID_QUERY, 'min must not be greater than max');
    await this.repo.upsert({ scope, subject, ...t, updatedBy: userId }, ['scope', 'subject']);
    await this.reload();
    return t;
  }

  async remove(scope: ThresholdScope, subject: string): Promise<void> {
    const result = await this.repo.delete({ scope, subject });
    if (!result.affected)
      throw new SensorsError(SensorsErrorCode.THRESHOLD_NOT_FOUND, `No ${scope} threshold for '${subject}'`);
    await this.reload();
  }

  private async reload(): Promise<void> {
    const rows = await this.repo.find();
    const pick = (row: SensorThreshold): Thresholds => ({ min: row.min, max: row.max, jump: row.jump });
    this.bySensor = new Map(rows.filter((r) => r.scope === 'sensor').map((r) => [r.subject, pick(r)]));
    this.byType = new Map(rows.filter((r) => r.scope === 'type').map((r) => [r.subject, pick(r)]));
  }
}
