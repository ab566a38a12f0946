import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Bucket } from '../dto/sensor-queries.dto.js';
import { SensorsError, SensorsErrorCode } from '../sensors.errors.js';

export interface ReadingRow {
  sensor_id: string;
  sensor_type: string;
  value: number;
  unit: string | null;
  timestamp: string;
  origin: string;
  source_protocol: string;
  anomaly: boolean;
  reported_anomaly: boolean | null;
  anomaly_message: string | null;
}

const READING_COLUMNS = `sensor_id, sensor_type, value, unit, to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp",
  origin, source_protocol, anomaly, reported_anomaly, anomaly_message`;

const BUCKET_INTERVALS: Record<Bucket, string> = {
  '1m': '1 minute',
  '5m': '5 minutes',
  '15m': '15 minutes',
  '1h': '1 hour',
  '1d': '1 day',
};

/** Buckets that are whole hours can be summed from the hourly rollup; the others from the 1-minute one. */
const HOURLY_BUCKETS = new Set<Bucket>(['1h', '1d']);

/**
 * A bucketed history from the rollups: the window's whole hours from `sensor_readings_1h` (hourly buckets only), its
 * whole minutes from `sensor_readings_1m`, and only the partial minutes at either end (under two minutes in all)
 * from the raw rows, re-aggregated per bucket (avg = sum / count). $2..$7 are the segment bounds of
 * `rollupSegments`.
 */
const BUCKETED_HISTORY = `WITH parts AS (
    SELECT sensor_type, "timestamp" AS t, 1 AS count, value AS sum, value AS min, value AS max
      FROM sensor_readings WHERE sensor_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3
    UNION ALL
    SELECT sensor_type, "timestamp", 1, value, value, value
      FROM sensor_readings WHERE sensor_id = $1 AND "timestamp" >= $6 AND "timestamp" < $7
    UNION ALL
    SELECT sensor_type, bucket_start, count, sum, min, max
      FROM sensor_readings_1m WHERE sensor_id = $1 AND bucket_start >= $3 AND bucket_start < $4
    UNION ALL
    SELECT sensor_type, bucket_start, count, sum, min, max
      FROM sensor_readings_1m WHERE sensor_id = $1 AND bucket_start >= $5 AND bucket_start < $6
    UNION ALL
    SELECT sensor_type, bucket_start, count, sum, min, max
      FROM sensor_readings_1h WHERE sensor_id = $1 AND bucket_start >= $4 AND bucket_start < $5
  )
  SELECT to_char(date_bin($8::interval, t, TIMESTAMPTZ '2000-01-01 00:00:00+00') AT TIME ZONE 'UTC',
                 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS bucket_start,
         sensor_type, sum(sum) / sum(count) AS avg, min(min) AS min, max(max) AS max, sum(count)::int AS count
    FROM parts GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $9`;

/**
 * Splits [from, to) at minute and hour boundaries: [from, m1) raw, [m1, h1) minutes, [h1, h2) hours, [h2, m2)
 * minutes, [m2, to) raw. Without hours (a finer bucket, or no whole hour inside) h1 = h2 = m2; without a whole
 * minute everything is raw.
 */
export function rollupSegments(from: Date, to: Date, bucket: Bucket): Date[] {
  const ceil = (t: number, step: number) => Math.ceil(t / step) * step;
  const floor = (t: number, step: number) => Math.floor(t / step) * step;
  let m1 = ceil(from.getTime(), 60_000);
  let m2 = floor(to.getTime(), 60_000);
  if (m1 >= m2) m1 = m2 = to.getTime();
  let h1 = ceil(m1, 3600_000);
  let h2 = floor(m2, 3600_000);
  if (!HOURLY_BUCKETS.has(bucket) || h1 >= h2) h1 = h2 = m2;
  return [from, m1, h1, h2, m2, to].map((t) => new Date(t));
}

export interface HistoryRequest {
  sensorId: string;
  hours?: number;
  from?: string;
  to?: string;
  bucket?: Bucket;
  limit: number;
}

/** The read side: every answer is computed in PostgreSQL and bounded by a limit. */
@Injectable()
export class SensorsQueryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The latest reading of the most recently updated sensors, grouped by type (from the `sensors` registry). */
  async latest(limit: number) {
    const rows = (await this.db.query(
      `SELECT sensor_id, sensor_type, last_value AS value, unit,
              to_char(last_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp",
              origin, source_protocol, anomaly
         FROM sensors ORDER BY last_timestamp DESC LIMIT $1`,
      [limit],
    )) as ReadingRow[];
    const [{ count }] = (await this.db.query(`SELECT count(*)::int AS count FROM sensors`)) as Array<{
      count: number;
    }>;
    const sensors: Record<string, ReadingRow[]> = {};
    for (const row of rows) (sensors[row.sensor_type] ??= []).push(row);
    return { sensors, total_count: count, last_updated: rows[0]?.timestamp ?? null };
  }

  async history(q: HistoryRequest) {
    const known = (await this.db.query(`SELECT 1 FROM sensors WHERE sensor_id = $1 LIMIT 1`, [
      q.sensorId,
    ])) as unknown[];
    if (known.length === 0)
      throw new SensorsError(SensorsErrorCode.SENSOR_NOT_FOUND, `Sensor '${q.sensorId}' is unknown`);
    const { from, to } = window(q);
    if (!q.bucket) {
      const readings = (await this.db.query(
        `SELECT ${READING_COLUMNS} FROM sensor_readings
          WHERE sensor_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3
          ORDER BY "timestamp" DESC LIMIT $4`,
        [q.sensorId, from, to, q.limit + 1],
      )) as ReadingRow[];
      return {
        sensor_id: q.sensorId,
        from: from.toISOString(),
        to: to.toISOString(),
        bucket: null,
        readings: readings.slice(0, q.limit),
        truncated: readings.length > q.limit,
      };
    }
    const points = (await this.db.query(BUCKETED_HISTORY, [
      q.sensorId,
      ...rollupSegments(from, to, q.bucket),
      BUCKET_INTERVALS[q.bucket],
      q.limit + 1,
    ])) as Array<{
      bucket_start: string;
      sensor_type: string;
      avg: number;
      min: number;
      max: number;
      count: number;
    }>;
    return {
      sensor_id: q.sensorId,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket: q.bucket,
      points: points.slice(0, q.limit),
      truncated: points.length > q.limit,
    };
  }

  async anomalies(hours: number, limit: number, offset: number) {
    const since = new Date(Date.now() - hours * 3600_000);
    const items = (await this.db.query(
      `SELECT ${READING_COLUMNS} FROM sensor_readings
        WHERE anomaly AND "timestamp" >= $1 ORDER BY "timestamp" DESC LIMIT $2 OFFSET $3`,
      [since, limit, offset],
    )) as ReadingRow[];
    const [{ total }] = (await this.db.query(
      `SELECT count(*)::int AS total FROM sensor_readings WHERE anomaly AND "timestamp" >= $1`,
      [since],
    )) as Array<{ total: number }>;
    return { items, total, limit, offset, hours };
  }

  async stats(hours: number) {
    const since = new Date(Date.now() - hours * 3600_000);
    const rows = (await this.db.query(
      `SELECT sensor_type, origin, source_protocol,
              GROUPING(sensor_type) AS g_type, GROUPING(origin) AS g_origin, GROUPING(source_protocol) AS g_protocol,
              count(*)::int AS count, count(*) FILTER (WHERE anomaly)::int AS anomalies,
              count(DISTINCT (sensor_id, sensor_type))::int AS sensors
         FROM sensor_readings WHERE "timestamp" >= $1
        GROUP BY GROUPING SETS ((sensor_type), (origin), (source_protocol), ())`,
      [since],
    )) as Array<{
      sensor_type: string | null;
      origin: string | null;
      source_protocol: string | null;
      g_type: number;
      g_origin: number;
      g_protocol: number;
      count: number;
      anomalies: number;
      sensors: number;
    }>;
    const total = rows.find((r) => r.g_type && r.g_origin && r.g_protocol);
    const pick = (
      keyOf: (r: (typeof rows)[number]) => string | null,
      grouped: (r: (typeof rows)[number]) => boolean,
    ) =>
      rows
        .filter((r) => grouped(r))
        .map((r) => ({ key: keyOf(r) as string, count: r.count, anomalies: r.anomalies }))
        .sort((a, b) => b.count - a.count);
    const totalReadings = total?.count ?? 0;
    const anomalies = total?.anomalies ?? 0;
    return {
      hours,
      total_readings: totalReadings,
      anomalies,
      anomaly_rate: totalReadings ? Math.round((anomalies / totalReadings) * 10000) / 10000 : 0,
      sensors: total?.sensors ?? 0,
      by_type: pick(
        (r) => r.sensor_type,
        (r) => !r.g_type,
      ),
      by_origin: pick(
        (r) => r.origin,
        (r) => !r.g_origin,
      ),
      by_protocol: pick(
        (r) => r.source_protocol,
        (r) => !r.g_protocol,
      ),
    };
  }
}

function window(q: HistoryRequest): { from: Date; to: Date } {
  if (q.hours !== undefined && (q.from || q.to))
    throw new SensorsError(SensorsErrorCode.INVALID_QUERY, 'Give either hours or from/to, not both');
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - (q.hours ?? 24) * 3600_000);
  if (from >= to) throw new SensorsError(SensorsErrorCode.INVALID_QUERY, 'from must be before to');
  return { from, to };
}
