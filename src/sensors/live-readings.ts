import { Injectable } from '@nestjs/common';
import type { ValidReading } from './reading.js';
import type { SensorDataEvent } from './sensor-events.js';

/** A stored reading with the server's verdict, as `sensor_data` describes it. */
export function sensorDataEvent(r: ValidReading, anomaly: boolean): SensorDataEvent {
  return {
    sensor_id: r.sensorId,
    sensor_type: r.sensorType,
    value: r.value,
    unit: r.unit,
    timestamp: r.timestamp.toISOString(),
    origin: r.origin,
    source_protocol: r.sourceProtocol,
    anomaly,
    reported_anomaly: r.reportedAnomaly,
  };
}

interface Latest {
  reading: ValidReading;
  anomaly: boolean;
}

/**
 * The latest reading per sensor stored by THIS replica since it started (`GET /sensors/live`). On the hot path it
 * keeps a reference to the reading; the event is built when someone asks.
 */
@Injectable()
export class LiveReadings {
  /** sensor type -> sensor id -> latest. */
  private readonly latest = new Map<string, Map<string, Latest>>();

  update(reading: ValidReading, anomaly: boolean): void {
    let ofType = this.latest.get(reading.sensorType);
    if (!ofType) this.latest.set(reading.sensorType, (ofType = new Map()));
    const current = ofType.get(reading.sensorId);
    if (!current) ofType.set(reading.sensorId, { reading, anomaly });
    else if (current.reading.timestamp.getTime() <= reading.timestamp.getTime()) {
      current.reading = reading;
      current.anomaly = anomaly;
    }
  }

  /** Newest first, at most `limit`. */
  list(limit: number): { readings: SensorDataEvent[]; total: number } {
    const all: Latest[] = [];
    for (const ofType of this.latest.values()) for (const latest of ofType.values()) all.push(latest);
    all.sort((a, b) => b.reading.timestamp.getTime() - a.reading.timestamp.getTime());
    return {
      readings: all.slice(0, limit).map((l) => sensorDataEvent(l.reading, l.anomaly)),
      total: all.length,
    };
  }
}
