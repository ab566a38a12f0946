import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { detectAnomaly } from '../anomaly-detector.js';
import { IngestMetrics } from '../ingest-metrics.js';
import { LiveReadings } from '../live-readings.js';
import type { SourceProtocol } from '../sensors.rules.js';
import { parseReading, type ValidReading } from '../reading.js';
import { JudgedReading, ReadingWriter, type WriteCallback } from '../reading-writer.js';
import type { SensorDataEvent } from '../sensor-events.js';
import { SensorsError, SensorsErrorCode } from '../sensors.errors.js';
import { LiveStream } from '../live-stream.js';
import { ThresholdsService } from './thresholds.service.js';

/** What happened to one item of `ingestMany`. */
export interface IngestItemResult {
  index: number;
  status: 'stored' | 'duplicate' | 'invalid';
  /** Why an invalid item was refused. */
  reason?: string;
  /** The server's verdict, for stored items. */
  anomaly?: boolean;
}

/** Previous values kept for jump detection after a restart. */
const PRELOADED_SENSORS = 100_000;

/**
 * Ingestion, whatever the channel (MQTT, HTTP, the Jobs module's bulk loader): validation, the anomaly verdict
 * (range and jump from the sensor's previous value), the batched write, and after the commit the live events
 * (`sensor_data`, `alert`) and the in-memory latest values. Exported by the module.
 */
@Injectable()
export class SensorIngestService {
  private readonly logger = new Logger(SensorIngestService.name);
  /** Previous value per sensor, in arrival order on this replica. */
  private readonly previous = new Map<string, number>();

  constructor(
    private readonly writer: ReadingWriter,
    private readonly thresholds: ThresholdsService,
    private readonly liveStream: LiveStream,
    private readonly live: LiveReadings,
    private readonly metrics: IngestMetrics,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Called by the HTTP app at start-up, so the first reading of a known sensor is judged against its last. */
  async preloadPreviousValues(): Promise<void> {
    const rows = (await this.dataSource.query(
      `SELECT sensor_id, sensor_type, last_value FROM sensors ORDER BY last_timestamp DESC LIMIT $1`,
      [PRELOADED_SENSORS],
    )) as Array<{ sensor_id: string; sensor_type: string; last_value: number }>;
    for (const r of rows) this.previous.set(`${r.sensor_id}\u0000${r.sensor_type}`, r.last_value);
  }

  /**
   * Validates and stores many readings at once (the bulk loader's entry point). Invalid items are counted and
   * reported, valid ones are stored; resolves after the commit with one result per item, in order.
   */
  async ingestMany(payloads: unknown[], source: SourceProtocol = 'http'): Promise<IngestItemResult[]> {
    const receivedAt = new Date();
    const results: IngestItemResult[] = [];
    const valid: Array<{ index: number; reading: ValidReading }> = [];
    payloads.forEach((payload, index) => {
      this.metrics.received += 1;
      const parsed = parseReading(payload, { defaultProtocol: source, receivedAt });
      if (parsed.ok) valid.push({ index, reading: parsed.reading });
      else {
        this.metrics.reject(parsed.reason);
        results[index] = { index, status: 'invalid', reason: parsed.reason };
      }
    });
    const judged = valid.map((v) => this.judge(v.reading));
    const stored = await this.commit(judged);
    valid.forEach((v, i) => {
      results[v.index] = stored[i]
        ? { index: v.index, status: 'stored', anomaly: judged[i].verdict.anomaly }
        : { index: v.index, status: 'duplicate' };
    });
    return results;
  }

  /**
   * All or nothing (`POST /sensors/readings`): one bad item refuses the whole request with the reason of each bad
   * item, and nothing is stored.
   */
  async ingestAll(payloads: unknown[], source: SourceProtocol): Promise<IngestItemResult[]> {
    const receivedAt = new Date();
    const parsed = payloads.map((payload) => parseReading(payload, { defaultProtocol: source, receivedAt }));
    this.metrics.received += payloads.length;
    const problems = parsed.flatMap((p, index) => (p.ok ? [] : [{ index, reason: p.reason }]));
    if (problems.length) {
      for (const p of problems) this.metrics.reject(p.reason);
      throw new SensorsError(
        SensorsErrorCode.INVALID_READINGS,
        `${problems.length} of ${payloads.length} reading(s) refused: ${problems
          .slice(0, 5)
          .map((p) => `#${p.index}: ${p.reason}`)
          .join('; ')}`,
        problems,
      );
    }
    const judged = parsed.map((p) => this.judge((p as { reading: ValidReading }).reading));
    const stored = await this.commit(judged);
    return judged.map((j, index) =>
      stored[index]
        ? { index, status: 'stored', anomaly: j.verdict.anomaly }
        : { index, status: 'duplicate' },
    );
  }

  /** The server's verdict on a valid reading; advances the sensor's previous value. */
  judge(reading: ValidReading): JudgedReading {
    const key = `${reading.sensorId}\u0000${reading.sensorType}`;
    const verdict = detectAnomaly(
      reading.value,
      this.previous.get(key),
      this.thresholds.resolve(reading.sensorType, reading.sensorId),
    );
    this.previous.set(key, reading.value);
    return { reading, verdict };
  }

  /** Writes judged readings; after the commit, publishes what was new. Resolves per row: new or duplicate. */
  async commit(rows: JudgedReading[]): Promise<boolean[]> {
    if (rows.length === 0) return [];
    const stored = await this.writer.write(rows);
    rows.forEach((row, i) => {
      if (stored[i]) this.publish(row);
    });
    return stored;
  }

  /** `commit` for one row with a callback, for the MQTT hot path. */
  commitOne(row: JudgedReading, done: WriteCallback): void {
    this.writer.enqueue(row, (error, stored) => {
      if (stored) this.publish(row);
      done(error, stored);
    });
  }

  private publish({ reading: r, verdict }: JudgedReading): void {
    const event: SensorDataEvent = {
      sensor_id: r.sensorId,
      sensor_type: r.sensorType,
      value: r.value,
      unit: r.unit,
      timestamp: r.timestamp.toISOString(),
      origin: r.origin,
      source_protocol: r.sourceProtocol,
      anomaly: verdict.anomaly,
      reported_anomaly: r.reportedAnomaly,
    };
    this.live.update(event);
    this.liveStream.sensorData(event);
    if (verdict.anomaly && verdict.severity && verdict.message) {
      this.metrics.anomalies += 1;
      this.liveStream.alert({
        sensor_id: r.sensorId,
        sensor_type: r.sensorType,
        value: r.value,
        message: `${r.sensorType} sensor ${r.sensorId}: ${verdict.message}`,
        severity: verdict.severity,
        timestamp: event.timestamp,
      });
      this.logger.debug(`anomaly on ${r.sensorId}: ${verdict.message}`);
    }
  }
}
