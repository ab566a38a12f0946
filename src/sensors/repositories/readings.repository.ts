import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { JudgedReading } from '../reading-writer.js';

/**
 * The write side of `sensor_readings` and the `sensors` registry: one batch, one transaction, a redelivered
 * reading stored once (`ON CONFLICT DO NOTHING`), the latest reading of each sensor upserted into `sensors`.
 * Returns the keys (`sensor_id \0 sensor_type \0 epoch ms`) of the rows that were new.
 */
@Injectable()
export class ReadingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertBatch(rows: JudgedReading[]): Promise<Set<string>> {
    const cols = {
      ts: [] as string[],
      type: [] as string[],
      id: [] as string[],
      value: [] as number[],
      unit: [] as Array<string | null>,
      origin: [] as string[],
      protocol: [] as string[],
      anomaly: [] as boolean[],
      reported: [] as Array<boolean | null>,
      message: [] as Array<string | null>,
      raw: [] as string[],
    };
    const latest = new Map<string, JudgedReading>();
    for (const row of rows) {
      const r = row.reading;
      cols.ts.push(r.timestamp.toISOString());
      cols.type.push(r.sensorType);
      cols.id.push(r.sensorId);
      cols.value.push(r.value);
      cols.unit.push(r.unit);
      cols.origin.push(r.origin);
      cols.protocol.push(r.sourceProtocol);
      cols.anomaly.push(row.verdict.anomaly);
      cols.reported.push(r.reportedAnomaly);
      cols.message.push(row.verdict.message);
      cols.raw.push(r.rawJson);
      const sensor = `${r.sensorId}\u0000${r.sensorType}`;
      const seen = latest.get(sensor);
      if (!seen || seen.reading.timestamp <= r.timestamp) latest.set(sensor, row);
    }
    // Sorted, so two concurrent batches lock registry rows in the same order and never deadlock.
    const newestRows = [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
    const newest = newestRows.map((row) => row.reading);
    return this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO sensor_readings
           ("timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly,
            anomaly_message, raw)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[],
                              $7::text[], $8::bool[], $9::bool[], $10::text[], $11::jsonb[])
         ON CONFLICT DO NOTHING
         RETURNING sensor_id, sensor_type, "timestamp"`,
        [
          cols.ts,
          cols.type,
          cols.id,
          cols.value,
          cols.unit,
          cols.origin,
          cols.protocol,
          cols.anomaly,
          cols.reported,
          cols.message,
          cols.raw,
        ],
      )) as Array<{ sensor_id: string; sensor_type: string; timestamp: Date }>;
      // The registry keeps the newest reading per sensor; an older, late reading never replaces it.
      await manager.query(
        `INSERT INTO sensors AS s (sensor_id, sensor_type, last_timestamp, last_value, unit, origin, source_protocol, anomaly)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::text[], $6::text[],
                              $7::text[], $8::bool[])
         ON CONFLICT (sensor_id, sensor_type) DO UPDATE SET
           last_timestamp = excluded.last_timestamp, last_value = excluded.last_value, unit = excluded.unit,
           origin = excluded.origin, source_protocol = excluded.source_protocol, anomaly = excluded.anomaly,
           updated_at = now()
         WHERE s.last_timestamp <= excluded.last_timestamp`,
        [
          newest.map((r) => r.sensorId),
          newest.map((r) => r.sensorType),
          newest.map((r) => r.timestamp.toISOString()),
          newest.map((r) => r.value),
          newest.map((r) => r.unit),
          newest.map((r) => r.origin),
          newest.map((r) => r.sourceProtocol),
          newestRows.map((row) => row.verdict.anomaly),
        ],
      );
      return new Set(
        inserted.map((r) => `${r.sensor_id}\u0000${r.sensor_type}\u0000${r.timestamp.getTime()}`),
      );
    });
  }
}
