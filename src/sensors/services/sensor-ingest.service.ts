import { Injectable, Logger } from '@nestjs/common';
import type { AnomalyVerdict } from '../anomaly-detector.js';
import { IngestMetrics } from '../ingest-metrics.js';
import { LiveReadings, sensorDataEvent } from '../live-readings.js';
import type { SourceProtocol } from '../sensors.rules.js';
import { parseMqttReading, parseReading, type ValidReading } from '../reading.js';
import { ReadingWriter, type WriteResult } from '../reading-writer.js';
import { SensorsError, SensorsErrorCode } from '../sensors.errors.js';
import { LiveStream } from '../live-stream.js';
import { currentRequestId } from '../../common/context/request-context.js';

/** What happened to one item of `ingestMany`. */
export interface IngestItemResult {
  index: number;
  /** `set_aside`: valid, but PostgreSQL refused it; kept in `sensor_readings_rejected` with the reason. */
  status: 'stored' | 'duplicate' | 'invalid' | 'set_aside';
  /** Why an invalid item was refused, or why PostgreSQL refused a set-aside one. */
  reason?: string;
  /** The server's verdict, for stored items. */
  anomaly?: boolean;
}

/**
 * Ingestion, whatever the channel (MQTT, HTTP, the Jobs module's bulk loader): validation, then the batched
 * judgement and write (`ReadingWriter`: range and jump from the sensor's previous value across replicas), and after
 * the commit the live events (`sensor_data`, `alert`) and the in-memory latest values. Exported by the module.
 */
@Injectable()
export class SensorIngestService {
  private readonly logger = new Logger(SensorIngestService.name);

  constructor(
    private readonly writer: ReadingWriter,
    private readonly liveStream: LiveStream,
    private readonly live: LiveReadings,
    private readonly metrics: IngestMetrics,
  ) {}

  /**
   * One MQTT message on `sensors/{type}/{id}`: resolves once it is settled for good (stored, a duplicate, or
   * refused as bad input, counted and logged), rejects when it could not be stored (the transport retries it and
   * does not acknowledge it meanwhile).
   */
  ingestMqtt(topic: string, payload: Buffer, traceId: string | undefined): Promise<void> {
    this.metrics.received += 1;
    const parsed = parseMqttReading(topic, payload, new Date());
    if (!parsed.ok) {
      this.metrics.reject(parsed.reason);
      this.logger.warn(
        { topic, reason: parsed.reason },
        `Dropped a bad reading on ${topic}: ${parsed.reason}`,
      );
      return Promise.resolve(); // acknowledged: redelivering a bad message would not make it good
    }
    const reading = parsed.reading;
    return new Promise((resolve, reject) =>
      // A reading PostgreSQL refuses for good is set aside by the writer and settles like a stored one.
      this.writer.enqueue(reading, traceId, (error, stored, verdict) => {
        if (error) return reject(error);
        if (stored) this.publish(reading, verdict as AnomalyVerdict);
        resolve();
      }),
    );
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
    const written = await this.commit(valid.map((v) => v.reading));
    valid.forEach((v, i) => (results[v.index] = { ...resultOf(written[i]), index: v.index }));
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
    const written = await this.commit(parsed.map((p) => (p as { reading: ValidReading }).reading));
    return written.map((w, index) => ({ ...resultOf(w), index }));
  }

  /** Writes readings (judged in the batch); after the commit, publishes what was new. */
  private async commit(readings: ValidReading[]): Promise<WriteResult[]> {
    if (readings.length === 0) return [];
    const written = await this.writer.write(readings, currentRequestId());
    readings.forEach((reading, i) => {
      if (written[i].stored) this.publish(reading, written[i].verdict);
    });
    return written;
  }

  private publish(r: ValidReading, verdict: AnomalyVerdict): void {
    this.live.update(r, verdict.anomaly);
    // Hot path: no event object is built while no client anywhere can receive it.
    if (this.liveStream.streaming) this.liveStream.sensorData(sensorDataEvent(r, verdict.anomaly));
    if (verdict.anomaly && verdict.severity && verdict.message) {
      this.metrics.anomalies += 1;
      this.liveStream.alert({
        sensor_id: r.sensorId,
        sensor_type: r.sensorType,
        value: r.value,
        message: `${r.sensorType} sensor ${r.sensorId}: ${verdict.message}`,
        severity: verdict.severity,
        timestamp: r.timestamp.toISOString(),
      });
      this.logger.debug(`anomaly on ${r.sensorId}: ${verdict.message}`);
    }
  }
}

function resultOf(w: WriteResult): Omit<IngestItemResult, 'index'> {
  if (w.stored) return { status: 'stored', anomaly: w.verdict.anomaly };
  return w.setAside ? { status: 'set_aside', reason: w.setAside } : { status: 'duplicate' };
}
