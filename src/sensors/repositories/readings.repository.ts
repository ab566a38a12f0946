import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { JudgedReading } from '../reading-writer.js';

/** Aligned like `date_bin` from 2000-01-01 UTC: the same buckets as the history queries. */
const ORIGIN = `TIMESTAMPTZ '2000-01-01 00:00:00+00'`;

const rollupUpsert = (table: string, interval: string) => `INSERT INTO ${table} AS r
    (sensor_id, sensor_type, bucket_start, count, sum, min, max)
  SELECT sensor_id, sensor_type, date_bin('${interval}', "timestamp", ${ORIGIN}), count(*), sum(value), min(value), max(value)
    FROM ins GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (sensor_id, sensor_type, bucket_start) DO UPDATE SET
    count = r.count + excluded.count, sum = r.sum + excluded.sum,
    min = LEAST(r.min, excluded.min), max = GREATEST(r.max, excluded.max)`;

/**
 * One statement, hence one atomic transaction without BEGIN/COMMIT round trips: the raw rows (a redelivered reading
 * is stored once), the 1-minute and 1-hour rollups of exactly the rows inserted (`ins`, so a duplicate is never
 * counted twice), and the registry's latest reading per sensor (an older, late reading never replaces it). Every
 * part writes in key order, so concurrent replicas take their row locks in the same order.
 * It answers the number of new rows and, only when some were duplicates, which ones.
 */
const INSERT_BATCH = `WITH batch AS (SELECT $1::jsonb AS c), input AS (
  SELECT TIMESTAMPTZ 'epoch' + t.ms::bigint * interval '1 millisecond' AS ts, t.sensor_type, t.sensor_id,
         t.value::float8 AS value, t.unit, t.origin, t.source_protocol, t.anomaly::bool AS anomaly,
         t.reported_anomaly::bool AS reported_anomaly, t.anomaly_message, t.trace_id, t.raw
    FROM batch, ROWS FROM (
      jsonb_array_elements_text(c->0), jsonb_array_elements_text(c->1), jsonb_array_elements_text(c->2),
      jsonb_array_elements_text(c->3), jsonb_array_elements_text(c->4), jsonb_array_elements_text(c->5),
      jsonb_array_elements_text(c->6), jsonb_array_elements_text(c->7), jsonb_array_elements_text(c->8),
      jsonb_array_elements_text(c->9), jsonb_array_elements_text(c->10), jsonb_array_elements(c->11)
    ) AS t(ms, sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly,
           anomaly_message, trace_id, raw)
), ins AS (
  INSERT INTO sensor_readings
    ("timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly,
     anomaly_message, raw, trace_id)
  SELECT ts, sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly, anomaly_message,
         raw, trace_id
    FROM input ORDER BY sensor_id, ts, sensor_type
  ON CONFLICT DO NOTHING
  RETURNING sensor_id, sensor_type, "timestamp", value
), m1 AS (
  ${rollupUpsert('sensor_readings_1m', '1 minute')}
), h1 AS (
  ${rollupUpsert('sensor_readings_1h', '1 hour')}
), registry AS (
  INSERT INTO sensors AS s (sensor_id, sensor_type, last_timestamp, last_value, unit, origin, source_protocol, anomaly)
  SELECT DISTINCT ON (sensor_id, sensor_type) sensor_id, sensor_type, ts, value, unit, origin, source_protocol, anomaly
    FROM input ORDER BY sensor_id, sensor_type, ts DESC
  ON CONFLICT (sensor_id, sensor_type) DO UPDATE SET
    last_timestamp = excluded.last_timestamp, last_value = excluded.last_value, unit = excluded.unit,
    origin = excluded.origin, source_protocol = excluded.source_protocol, anomaly = excluded.anomaly,
    updated_at = now()
  WHERE s.last_timestamp <= excluded.last_timestamp
)
SELECT n, CASE WHEN n < $2 THEN (
         SELECT json_agg(json_build_array(sensor_id, sensor_type, floor(extract(epoch FROM "timestamp") * 1000)::bigint))
           FROM ins) END AS keys
  FROM (SELECT count(*)::int AS n FROM ins) c`;

/** Deadlock (40P01) or serialization failure (40001): the statement did nothing and may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

/**
 * The write side of `sensor_readings`, its rollups and the `sensors` registry: one batch, one statement
 * (`INSERT_BATCH`). Returns 'all' when every row was new, else the keys (`sensor_id \0 sensor_type \0 epoch ms`)
 * of the rows that were.
 */
@Injectable()
export class ReadingsRepository {
  private readonly logger = new Logger(ReadingsRepository.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertBatch(rows: JudgedReading[]): Promise<Set<string> | 'all'> {
    const n = rows.length;
    const ms = new Array<number>(n);
    const type = new Array<string>(n);
    const id = new Array<string>(n);
    const value = new Array<number>(n);
    const unit = new Array<string | null>(n);
    const origin = new Array<string>(n);
    const protocol = new Array<string>(n);
    const anomaly = new Array<boolean>(n);
    const reported = new Array<boolean | null>(n);
    const message = new Array<string | null>(n);
    const trace = new Array<string | null>(n);
    const raw = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      const r = row.reading;
      ms[i] = r.timestamp.getTime();
      type[i] = r.sensorType;
      id[i] = r.sensorId;
      value[i] = r.value;
      unit[i] = r.unit;
      origin[i] = r.origin;
      protocol[i] = r.sourceProtocol;
      anomaly[i] = row.verdict.anomaly;
      reported[i] = r.reportedAnomaly;
      message[i] = row.verdict.message;
      trace[i] = row.traceId ?? null;
      raw[i] = r.rawJson;
    }
    // The batch as one JSON document of columns (a fraction of the CPU of twelve PostgreSQL array literals); the
    // payloads, already JSON text, go in as they are.
    const columns = JSON.stringify([
      ms,
      type,
      id,
      value,
      unit,
      origin,
      protocol,
      anomaly,
      reported,
      message,
      trace,
    ]);
    const params = [`${columns.slice(0, -1)},[${raw.join(',')}]]`, n];
    for (let attempt = 1; ; attempt++) {
      try {
        const [result] = (await this.dataSource.query(INSERT_BATCH, params)) as Array<{
          n: number;
          keys: Array<[string, string, string]> | null;
        }>;
        if (result.n === n) return 'all'; // every row was new (so no row repeats another)
        return new Set(
          (result.keys ?? []).map(
            ([sensorId, sensorType, ms]) => `${sensorId}\u0000${sensorType}\u0000${ms}`,
          ),
        );
      } catch (error) {
        const code = String((error as { code?: unknown }).code ?? '');
        if (!RETRYABLE.has(code) || attempt >= ATTEMPTS) throw error;
        this.logger.warn(`Batch of ${n} readings: ${code} (attempt ${attempt}), retrying`);
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
      }
    }
  }

  /** Sets a reading aside in `sensor_readings_rejected` with why PostgreSQL refused it. */
  async setAside(row: JudgedReading, reason: string, sqlstate: string | null): Promise<void> {
    const r = row.reading;
    await this.dataSource.query(
      `INSERT INTO sensor_readings_rejected
         (sensor_id, sensor_type, "timestamp", source_protocol, payload, reason, sqlstate, trace_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        r.sensorId,
        r.sensorType,
        r.timestamp,
        r.sourceProtocol,
        r.rawJson,
        reason,
        sqlstate,
        row.traceId ?? null,
      ],
    );
  }

  /** How many readings are set aside (for the status). */
  async countSetAside(): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM sensor_readings_rejected`,
    )) as Array<{ n: number }>;
    return row.n;
  }
}
