import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CustomTransportStrategy, type MessageHandler, MqttContext, Server } from '@nestjs/microservices';
import type { IPublishPacket, ISubscriptionMap } from 'mqtt';
import { isObservable, lastValueFrom } from 'rxjs';
import { acceptRequestId, runWithRequestId } from '../common/context/request-context.js';
import { ErrorReporter } from '../common/errors/error-reporter.js';
import { AppConfig } from '../config/app.config.js';
import { RedisService } from '../redis/redis.service.js';
import { mqttConsumerConfig, type MqttConsumerConfig } from './mqtt-consumer.config.js';
import { MqttSession, SESSION_TAKEN_OVER } from './mqtt-session.js';
import { matchesTopic } from './mqtt-topics.js';

/** Retained presence of every consumer session: `<root>/<group>/<client id>`, "up" or "gone". */
export const PRESENCE_ROOT = 'terrawatch/consumers';
const GONE = 'gone';
const UP = 'up';
/** Stopping: peers no longer count it as a replica that will go on consuming. */
const LEAVING = 'leaving';
/** Time for a peer that stops at the same moment to say so. */
const LEAVING_GRACE_MS = 300;
/** A handler that failed (the database is down, say) is retried while its connection lives. */
const RETRY_MS = 1000;
/** A taken-over session is drained once it has been quiet this long. */
const QUIET_MS = 300;
const TAKEOVER_LOCK_MS = 10_000;
const TAKEOVER_SWEEP_MS = 1000;
const MAX_ROUTES = 50_000;
/** Mosquitto's count of the messages it holds (queued for sessions, retained), every `sys_interval`. */
const BROKER_STORE_TOPIC = '$SYS/broker/store/messages/count';

export interface ConsumerCounters {
  received: number;
  handlerFailures: number;
  takeovers: number;
  takenOverMessages: number;
}

/**
 * Our MQTT transport microservice (a Nest `CustomTransportStrategy`). Handlers are ordinary `@EventPattern`
 * methods; a QoS 1 message is acknowledged only once its handler has finished (its promise or observable settled),
 * so a handler that resolves after the commit gives acknowledge-after-commit. Every message runs in its own
 * correlation id: the MQTT 5 user property `x-request-id` when the publisher set one, else a new UUID; it is on
 * every log line of the handler (and Sensors stores it as the reading's `trace_id`). The handlers do not inherit
 * the HTTP app's global guards, pipes and interceptors (main.ts): none applies to a device's message, and each
 * would cost the hot path a promise chain per message.
 *
 * Replicas share the stream through shared subscriptions (`$share/<group>/<pattern>`) on persistent sessions
 * (see README, "MQTT consumer and replicas"):
 * - every process has a new client id, so two processes never fight over one;
 * - each session announces itself on a retained presence topic with a retained last will "gone": when a replica
 *   dies (kill -9, crash, lost network) the broker publishes "gone" at once, and another replica of the group
 *   (or the next one to start) takes the session over: it connects with the dead replica's id, receives and
 *   stores what was queued or in flight there, unsubscribes, waits until the session is quiet and deletes it;
 *   a Redis lock makes sure one replica does it;
 * - on SIGTERM a replica unsubscribes (the broker sends it nothing new), stores what its session still holds and
 *   deletes it; if that takes longer than the drain timeout it hands the rest over as if it had died.
 */
@Injectable()
export class MqttConsumerTransport
  extends Server
  implements CustomTransportStrategy, BeforeApplicationShutdown
{
  protected override readonly logger = new Logger('MqttConsumer');
  /** A failing handler rejects to us (no PUBACK, retried) instead of being logged and forgotten by Nest. */
  override readonly propagatesEventHandlerErrors = true;
  readonly clientId: string;
  private readonly url: string;
  private readonly config: MqttConsumerConfig;
  private session?: MqttSession;
  private readonly takeovers = new Map<string, MqttSession>();
  /** Sessions announced gone and not yet taken over (by anyone): retried until done or announced back. */
  private readonly gone = new Set<string>();
  /** Other replicas of the group that announced themselves up and are not stopping. */
  private readonly peers = new Set<string>();
  private sweep?: NodeJS.Timeout;
  private closing = false;
  private closed?: Promise<void>;
  private readonly routes = new Map<string, MessageHandler | null>();
  readonly counters: ConsumerCounters = {
    received: 0,
    handlerFailures: 0,
    takeovers: 0,
    takenOverMessages: 0,
  };
  /** The broker's backlog as it last reported it ($SYS), null when it does not report it. */
  brokerStoredMessages: number | null = null;
  /** The connection (session generation) on which the broker acknowledged our subscriptions, if any. */
  private subscribedOn?: number;

  constructor(
    config: ConfigService,
    @Inject(mqttConsumerConfig.KEY) consumer: MqttConsumerConfig,
    private readonly redis: RedisService,
    private readonly reporter: ErrorReporter,
  ) {
    super();
    const app = config.getOrThrow<AppConfig>('app');
    this.url = app.mqttUrl;
    this.config = consumer;
    const label = (consumer.replicaLabel ?? hostname()).replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40);
    this.clientId = `${app.mqttClientPrefix}-consumer-${label}-${randomBytes(4).toString('hex')}`;
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  get connected(): boolean {
    return this.session?.connected ?? false;
  }

  /**
   * Messages reach this replica: connected, and the broker acknowledged (SUBACK) every subscription on this very
   * connection. False from a disconnect until the next connection's SUBACK, and from the start of a graceful stop.
   * Connected alone is not enough: a connection whose subscriptions were refused or are still pending gets nothing.
   */
  get consuming(): boolean {
    return this.subscribedOn !== undefined && (this.session?.isCurrent(this.subscribedOn) ?? false);
  }

  /** Messages delivered to this replica and not yet acknowledged (its share of the backlog in memory). */
  get inflight(): number {
    let n = this.session?.inflight ?? 0;
    for (const s of this.takeovers.values()) n += s.inflight;
    return n;
  }

  get takingOver(): string[] {
    return [...this.takeovers.keys()];
  }

  private get group(): string {
    return this.config.shareGroup;
  }

  private presenceTopic(clientId: string): string {
    return `${PRESENCE_ROOT}/${this.group}/${clientId}`;
  }

  /** The shared subscriptions of every registered handler pattern. */
  private get dataTopics(): string[] {
    return [...this.messageHandlers.keys()].map((pattern) => `$share/${this.group}/${pattern}`);
  }

  listen(callback: (error?: unknown) => void): void {
    if (!this.config.enabled || this.messageHandlers.size === 0) return callback();
    const session = new MqttSession(
      {
        url: this.url,
        clientId: this.clientId,
        sessionExpirySeconds: this.config.sessionExpirySeconds,
        receiveMaximum: this.config.receiveMaximum,
        will: { topic: this.presenceTopic(this.clientId), payload: Buffer.from(GONE), qos: 1, retain: true },
        reconnect: true,
      },
      (packet, settle, from) => this.dispatch(packet, settle, from),
    );
    this.session = session;
    const client = session.client;
    client.on('connect', (connack) => {
      this.logger.log(
        `MQTT consumer ${this.clientId} connected (session present: ${connack.sessionPresent}); group ${this.group}`,
      );
      if (this.closing) return;
      // The session counted this connection already (its listener came first).
      const generation = session.currentGeneration;
      client.publish(this.presenceTopic(this.clientId), UP, { qos: 1, retain: true });
      // On every connection, even when the session kept the subscriptions: mqtt.js would skip topics it subscribed
      // before and call back at once, without a SUBACK to tell that the broker took them (`resubscribe`). Retain
      // handling 1: the retained presence comes only with a subscription the session did not have yet, as before.
      const subscriptions = Object.fromEntries(
        [...this.dataTopics, `${PRESENCE_ROOT}/${this.group}/+`].map((topic) => [topic, { qos: 1, rh: 1 }]),
      );
      client.subscribe({ ...subscriptions, resubscribe: true } as ISubscriptionMap, (error) => {
        if (error) return this.logger.error(`MQTT subscribe failed: ${error.message}`);
        if (!this.closing) this.subscribedOn = generation;
      });
      client.subscribe(BROKER_STORE_TOPIC, { qos: 0 }, () => undefined);
    });
    client.on('error', (error) => this.logger.warn(`MQTT consumer: ${error.message}`));
    client.on('offline', () => !this.closing && this.logger.warn('MQTT consumer offline; reconnecting'));
    client.on('disconnect', (packet) => {
      if (packet.reasonCode === SESSION_TAKEN_OVER)
        this.logger.warn(`Another replica took over session ${this.clientId} (it saw this one as gone)`);
    });
    void session.start();
    this.sweep = setInterval(() => this.retryTakeovers(), TAKEOVER_SWEEP_MS);
    this.sweep.unref();
    callback();
  }

  /** A message of any session (ours or a taken-over one) to its handler; settled (acknowledged) when it is done. */
  private dispatch(packet: IPublishPacket, settle: () => void, from: MqttSession): void {
    const topic = packet.topic;
    if (topic === BROKER_STORE_TOPIC) {
      this.brokerStoredMessages = Number((packet.payload as Buffer).toString()) || 0;
      return settle();
    }
    if (topic.startsWith(PRESENCE_ROOT)) {
      if (from === this.session) this.onPresence(topic, packet.payload as Buffer);
      return settle();
    }
    this.counters.received += 1;
    if (from !== this.session) this.counters.takenOverMessages += 1;
    const handler = this.route(topic);
    if (!handler) {
      this.logger.warn(`No handler for MQTT topic ${topic}; acknowledged and dropped`);
      return settle();
    }
    const requestId = packet.properties?.userProperties?.['x-request-id'];
    // One id for every attempt at the message: the publisher's, else a new one.
    const correlationId = acceptRequestId(Array.isArray(requestId) ? requestId[0] : requestId);
    this.run(handler, packet, settle, from, from.currentGeneration, correlationId, 1);
  }

  private run(
    handler: MessageHandler,
    packet: IPublishPacket,
    settle: () => void,
    from: MqttSession,
    generation: number,
    correlationId: string,
    attempt: number,
  ): void {
    const context = new MqttContext([packet.topic, packet]);
    const settleOrRetry = (error: unknown) => {
      this.counters.handlerFailures += 1;
      const retrying = packet.qos > 0 && from.isCurrent(generation);
      // Reported once per message: the retries of a handler that keeps failing (the database is down) add nothing.
      if (attempt === 1)
        this.reporter.report(error, {
          context: 'mqtt',
          correlationId,
          tags: { topic: packet.topic, qos: packet.qos },
          message: `Handler for ${packet.topic} failed (${(error as Error)?.message ?? error})${retrying ? `; retrying every ${RETRY_MS} ms` : ''}`,
        });
      // Not acknowledged: while this connection lives the broker will not send it again, so retry here.
      if (retrying) {
        if (attempt > 1)
          this.logger.warn(
            { requestId: correlationId },
            `Handler for ${packet.topic} failed again (attempt ${attempt}: ${(error as Error)?.message ?? error}); retrying in ${RETRY_MS} ms`,
          );
        setTimeout(
          () => this.run(handler, packet, settle, from, generation, correlationId, attempt + 1),
          RETRY_MS,
        ).unref();
        return;
      }
      settle(); // the connection is gone: the broker redelivers it on the next one (the PUBACK is not sent)
    };
    runWithRequestId(correlationId, () => handler(packet.payload, context)).then((result) => {
      if (!isObservable(result)) return settle();
      lastValueFrom(result, { defaultValue: undefined }).then(() => settle(), settleOrRetry);
    }, settleOrRetry);
  }

  private route(topic: string): MessageHandler | null {
    let handler = this.routes.get(topic);
    if (handler !== undefined) return handler;
    handler = null;
    for (const [pattern, candidate] of this.messageHandlers)
      if (matchesTopic(pattern, topic)) {
        handler = candidate;
        break;
      }
    if (this.routes.size >= MAX_ROUTES) this.routes.clear();
    this.routes.set(topic, handler);
    return handler;
  }

  private onPresence(topic: string, payload: Buffer): void {
    const clientId = topic.slice(topic.lastIndexOf('/') + 1);
    if (clientId === this.clientId) return;
    const state = payload.toString();
    if (state === UP) this.peers.add(clientId);
    else this.peers.delete(clientId);
    if (state === GONE) {
      this.gone.add(clientId);
      void this.takeOver(clientId);
    } else this.gone.delete(clientId);
  }

  private retryTakeovers(): void {
    for (const clientId of this.gone) if (!this.takeovers.has(clientId)) void this.takeOver(clientId);
  }

  /** Resumes a gone replica's session, stores what it holds, then deletes it (see the class comment). */
  private async takeOver(clientId: string): Promise<void> {
    if (this.closing || this.takeovers.has(clientId) || !this.session?.connected) return;
    const lockKey = `terrawatch:mqtt:takeover:${this.group}:${clientId}`;
    let locked: string | null;
    try {
      locked = await this.redis.client.set(lockKey, this.clientId, 'PX', TAKEOVER_LOCK_MS, 'NX');
    } catch (error) {
      this.logger.warn(
        `Cannot lock the takeover of ${clientId} (Redis: ${(error as Error).message}); retrying`,
      );
      return;
    }
    if (!locked) return; // another replica is on it; retried if it fails
    const session = new MqttSession(
      {
        url: this.url,
        clientId,
        sessionExpirySeconds: this.config.sessionExpirySeconds,
        receiveMaximum: this.config.receiveMaximum,
        // If this replica dies mid-takeover, the next one picks it up.
        will: { topic: this.presenceTopic(clientId), payload: Buffer.from(GONE), qos: 1, retain: true },
        reconnect: false,
      },
      (packet, settle, from) => this.dispatch(packet, settle, from),
    );
    this.takeovers.set(clientId, session);
    const refresh = setInterval(
      () => void this.redis.client.pexpire(lockKey, TAKEOVER_LOCK_MS).catch(() => undefined),
      TAKEOVER_LOCK_MS / 3,
    );
    let taken = false;
    try {
      const connack = await session.start();
      this.logger.log(
        `Taking over MQTT session ${clientId} of a replica that is gone (session present: ${connack.sessionPresent})`,
      );
      if (connack.sessionPresent) {
        const before = session.received;
        await session.unsubscribe([...this.dataTopics, `${PRESENCE_ROOT}/${this.group}/+`]);
        const drained = await session.drain(QUIET_MS, 10 * 60_000);
        if (!drained || this.closing) {
          await session.idle();
          await session.detach();
          this.logger.warn(`Takeover of ${clientId} interrupted; the session stays for another replica`);
          return;
        }
        this.logger.log(`Stored ${session.received - before} message(s) of session ${clientId}; deleting it`);
      }
      await session.leave();
      taken = true;
      this.counters.takeovers += 1;
      // Clear the retained "gone": nothing is left to take over.
      this.session?.client.publish(this.presenceTopic(clientId), '', { qos: 1, retain: true });
      this.gone.delete(clientId);
    } catch (error) {
      this.logger.warn(`Takeover of ${clientId} failed: ${(error as Error).message}; retrying`);
      session.client.end(true);
    } finally {
      clearInterval(refresh);
      this.takeovers.delete(clientId);
      if (taken || !this.closing) await this.redis.client.del(lockKey).catch(() => undefined);
    }
  }

  /**
   * Graceful stop. With other replicas still consuming: no new messages (unsubscribe), what the session holds is
   * stored and acknowledged, then the session is deleted, so nothing waits for this replica. As the group's last
   * replica: the session stays and is announced gone, so readings published while none runs are queued there and
   * the next replica to start takes them over. Past the drain timeout, the rest is handed over the same way.
   */
  close(): Promise<void> {
    this.closed ??= this.stop();
    return this.closed;
  }

  /** Before Nest closes Socket.IO, the queues and the HTTP server: the drain still stores, publishes and logs. */
  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private async stop(): Promise<void> {
    this.closing = true;
    this.subscribedOn = undefined;
    if (this.sweep) clearInterval(this.sweep);
    const session = this.session;
    if (!session) return;
    await Promise.all([...this.takeovers.values()].map((s) => s.idle()));
    const presence = this.presenceTopic(this.clientId);
    let drained = false;
    if (session.connected) {
      await session.client.publishAsync(presence, LEAVING, { qos: 1, retain: true }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, LEAVING_GRACE_MS));
    }
    if (session.connected && this.peers.size > 0) {
      try {
        await session.unsubscribe([...this.dataTopics, `${PRESENCE_ROOT}/${this.group}/+`]);
        drained = await session.drain(QUIET_MS, this.config.drainTimeoutMs);
      } catch {
        // the broker is gone: what the session holds stays there for a successor
      }
    }
    await withTimeout(session.idle(), this.config.drainTimeoutMs);
    if (drained && session.connected) {
      await session.client.publishAsync(presence, '', { qos: 1, retain: true }).catch(() => undefined);
      await session.leave();
      this.logger.log(`MQTT consumer ${this.clientId} drained and left; its session is deleted`);
      return;
    }
    // Offline (the broker is down), a QoS 1 publish would wait for a PUBACK until the shutdown timeout; the broker
    // published the will ("gone") itself when it lost the connection.
    if (session.connected)
      await session.client.publishAsync(presence, GONE, { qos: 1, retain: true }).catch(() => undefined);
    await session.detach();
    this.logger.log(
      this.peers.size > 0
        ? `MQTT consumer ${this.clientId} left with messages queued; handed over to another replica`
        : `MQTT consumer ${this.clientId} left as the group's last replica; its session queues for the next one`,
    );
  }

  on(): void {
    throw new Error('MqttConsumerTransport has no events to listen to; use /health/ready and /api/v1/status');
  }

  unwrap<T>(): T {
    return this.session?.client as T;
  }
}

/** Resolves when `promise` does or `ms` have passed, whichever comes first. */
function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
