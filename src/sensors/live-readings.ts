import { Injectable } from '@nestjs/common';
import type { SensorDataEvent } from './sensor-events.js';

/** The latest reading per sensor stored by THIS replica since it started (`GET /sensors/live`). */
@Injectable()
export class LiveReadings {
  private readonly latest = new Map<string, SensorDataEvent>();

  update(event: SensorDataEvent): void {
    const key = `${event.sensor_id}\u0000${event.sensor_type}`;
    const current = this.latest.get(key);
    if (!current || current.timestamp <= event.timestamp) this.latest.set(key, event);
  }

  /** Newest first, at most `limit`. */
  list(limit: number): { readings: SensorDataEvent[]; total: number } {
    const all = [...this.latest.values()].sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1));
    return { readings: all.slice(0, limit), total: all.length };
  }
}
