import { hostname } from 'node:os';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import { AppConfig } from '../config/app.config.js';
import { IngestMetrics } from './ingest-metrics.js';
import { parseMqttReading } from './reading.js';
import { isDataError, type JudgedReading } from './reading-writer.js';
import { SensorIngestService } from './services/sensor-ingest.service.js';
import { sensorsConfig, type SensorsConfig } from './sensors.config.js';
import { LiveStream } from './live-stream.js';

export const READINGS_TOPIC = 'sensors/+/+';
export const NODERED_STATUS_TOPIC = 'nodered/status';
export const SYSTEM_TOPIC = 'system/+';

/** mqtt.js's packet writer. It has no public "acknowledge later" API; see `handle`. */
interface PacketSender {
  _sendPacket(packet: { cmd: 'puback'; messageId: number }): void;
}

/** Not an error: tells mqtt.js to skip its automatic PUBACK for a message that is not yet durable. */
const ACK_AFTER_COMMIT = new Error('acknowledged after commit');
const RETRY_WRITE_MS = 1000;
/** MQTT 5 DISCONNECT reason: a client with the same id connected. */
const SESSION_TAKEN_OVER = 0x8e;

/**
 * The sensors' MQTT subscriber, inside the app process, with its own mqtt.js connection rather than Nest's MQTT
 * transport, because the transport acknowledges a QoS 1 message as soon as its handler is called. Here:
 * - a QoS 1 reading is acknowledged (PUBACK) only after the batch holding it has committed; until then the broker
 *   keeps it, and redelivers it after a crash (stored once thanks to the uniqueness rule);
 * - the session is persistent (MQTT 5, clean start off, session expiry) under a client id that is stable across
 *   restarts of the same replica, so readings published while the app is down are queued by the broker;
 * - topics are shared subscriptions (`$share/<group>/...`), so several replicas split the stream;
 * - mqtt.js handles packets one at a time and sends the PUBACK when `handleMessage` calls back; calling back at
 *   once with a marker error lets it go on to the next packet without acknowledging, and the PUBACK is sent after
 *   the commit. The broker's in-flight window (our Receive Maximum) bounds what waits in memory.
 */
@Injectable()
export class SensorsMqttConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SensorsMqttConsumer.name);
  private client?: MqttClient;
  /** Bumped on every (re)connection: a PUBACK belongs to the connection that received the message. */
  private connection = 0;
  private closing = false;
  /** Readings handed to the writer and not yet settled. */
  private pending = 0;
  private readonly idle: Array<() => void> = [];
  private acks: number[] = [];

  /**
   * Stable across restarts of one replica (the broker keeps its session), different between replicas: the
   * configured replica id, else host name and HTTP port (two processes on one host never share a port, and two
   * clients with one id would kick each other off the broker in a loop).
   */
  readonly clientId: string;
  private readonly mqttUrl: string;

  constructor(
    config: ConfigService,
    @Inject(sensorsConfig.KEY) private readonly sensors: SensorsConfig,
    private readonly ingest: SensorIngestService,
    private readonly liveStream: LiveStream,
    private readonly metrics: IngestMetrics,
  ) {
    const app = config.getOrThrow<AppConfig>('app');
    this.mqttUrl = app.mqttUrl;
    const replica =
      sensors.mqtt.replicaId ??
      `${hostname()
        .replace(/[^A-Za-z0-9_-]/g, '')
        .slice(0, 40)}-${app.port}`;
    this.clientId = `${app.mqttClientPrefix}-sensors-${replica}`;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  onApplicationBootstrap(): void {
    if (!this.sensors.mqtt.enabled) return;
    const { shareGroup, sessionExpirySeconds, receiveMaximum } = this.sensors.mqtt;
    const client = connect(this.mqttUrl, {
      clientId: this.clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: sessionExpirySeconds, receiveMaximum },
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
    client.handleMessage = (packet, done) => this.handle(packet, done);
    client.on('connect', (connack) => {
      this.connection += 1;
      this.logger.log(
        `MQTT consumer ${this.clientId} connected (session present: ${connack.sessionPresent})`,
      );
      const share = (topic: string) => `$share/${shareGroup}/${topic}`;
      client.subscribe(
        {
          [share(READINGS_TOPIC)]: { qos: 1 },
          [share(NODERED_STATUS_TOPIC)]: { qos: 1 },
          [share(SYSTEM_TOPIC)]: { qos: 1 },
        },
        (err) => err && this.logger.error(`MQTT subscribe failed: ${err.message}`),
      );
    });
    client.on('error', (err) => this.logger.warn(`MQTT consumer: ${err.message}`));
    client.on('offline', () => this.logger.warn('MQTT consumer offline; reconnecting'));
    client.on('disconnect', (packet) => {
      if (packet.reasonCode === SESSION_TAKEN_OVER)
        this.logger.error(
          `Another MQTT client connected with this consumer's id ${this.clientId}; give each process its own SENSORS_REPLICA_ID`,
        );
    });
    this.client = client;
  }

  private handle(packet: IPublishPacket, done: (error?: Error) => void): void {
    const topic = packet.topic;
    if (topic.startsWith('sensors/')) {
      if (this.closing) return done(ACK_AFTER_COMMIT); // not stored, not acknowledged: redelivered after restart
      this.metrics.received += 1;
      const parsed = parseMqttReading(topic, packet.payload as Buffer, new Date());
      if (!parsed.ok) {
        this.metrics.reject(parsed.reason);
        this.logger.warn(
          { topic, reason: parsed.reason },
          `Dropped a bad reading on ${topic}: ${parsed.reason}`,
        );
        return done(); // acknowledged: redelivering a bad message would not make it good
      }
      const judged = this.ingest.judge(parsed.reading);
      if (packet.qos === 0) {
        this.store(judged, undefined, this.connection);
        return done();
      }
      this.store(judged, packet.messageId, this.connection);
      return done(ACK_AFTER_COMMIT);
    }
    if (topic === NODERED_STATUS_TOPIC || topic.startsWith('system/')) {
      const text = (packet.payload as Buffer).toString('utf8');
      let status: unknown = text;
      try {
        status = JSON.parse(text);
      } catch {
        // a plain-text status is passed on as it is
      }
      this.liveStream.systemStatus({ topic, status, received_at: new Date().toISOString() });
    }
    done();
  }

  /** Writes, then acknowledges on the connection that delivered the message; retries while that connection lives. */
  private store(row: JudgedReading, messageId: number | undefined, connection: number): void {
    this.pending += 1;
    this.ingest.commitOne(row, (error) => {
      if (error && isDataError(error)) {
        // The database refuses this row for good: count it as a bad message and acknowledge it.
        this.metrics.reject(`refused by the database: ${error.message}`);
        error = null;
      }
      if (error && connection === this.connection && !this.closing) {
        // The broker redelivers an unacknowledged message only on a new connection: while this one lives,
        // retry here (the database may be back in a moment).
        setTimeout(() => {
          this.pending -= 1;
          this.store(row, messageId, connection);
        }, RETRY_WRITE_MS);
        return;
      }
      if (!error && messageId !== undefined && connection === this.connection) this.acknowledge(messageId);
      this.pending -= 1;
      if (this.pending === 0) this.idle.splice(0).forEach((resolve) => resolve());
    });
  }

  /** PUBACKs of one committed batch leave together, in one socket write. */
  private acknowledge(messageId: number): void {
    this.acks.push(messageId);
    if (this.acks.length > 1) return;
    setImmediate(() => {
      const client = this.client;
      const ids = this.acks.splice(0);
      if (!client?.connected) return;
      client.stream.cork();
      for (const id of ids) (client as unknown as PacketSender)._sendPacket({ cmd: 'puback', messageId: id });
      process.nextTick(() => client.stream.uncork());
    });
  }

  /** Stops taking readings, lets the pending ones commit and be acknowledged, then leaves; the session stays. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    this.closing = true;
    if (this.pending > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    await new Promise((resolve) => setImmediate(resolve)); // the last PUBACKs
    await this.client.endAsync().catch(() => undefined);
  }
}
