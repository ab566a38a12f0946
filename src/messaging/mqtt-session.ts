import {
  connect,
  type IClientOptions,
  type IConnackPacket,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt';
import mqttPacket from 'mqtt-packet';

/**
 * Tells mqtt.js (5.x) not to send the PUBACK itself: its `handleMessage` callback, called with an error, moves on
 * to the next packet without acknowledging. `acknowledge` sends the PUBACK once the message is durable.
 */
const ACK_LATER = new Error('acknowledged after commit');

/** MQTT 5 DISCONNECT reason: another connection took this client id. */
export const SESSION_TAKEN_OVER = 0x8e;

/** What a session does with a message: `settle` acknowledges it (QoS 1) once called, on the same connection. */
export type MessageSink = (packet: IPublishPacket, settle: () => void, session: MqttSession) => void;

export interface MqttSessionOptions {
  url: string;
  clientId: string;
  sessionExpirySeconds: number;
  receiveMaximum: number;
  will?: IClientOptions['will'];
  /** false: a single attempt, for taking over another replica's session. */
  reconnect: boolean;
}

/** How soon the consumer tries the broker again after losing it. */
const RECONNECT_PERIOD_MS = 250;

/**
 * One MQTT 5 session of the consumer over mqtt.js: persistent (clean start off), with QoS 1 messages acknowledged
 * only when the sink settles them (after the commit), and a way to leave that deletes the session at the broker.
 *
 * mqtt.js has no public "acknowledge later" API (`handleMessage` acknowledges when it calls back, one message at a
 * time; `customHandleAcks` only picks the reason code). So this class is the one place that relies on its
 * behaviour: the callback with an error skips the PUBACK, and the PUBACKs are written later, encoded by
 * mqtt-packet, on the client's public `stream`. Tested against the real broker in test/sensors/mqtt-session.e2e-spec.ts.
 */
export class MqttSession {
  readonly client: MqttClient;
  /** Bumped on every (re)connection: a PUBACK belongs to the connection that received the message. */
  private generation = 0;
  private readonly acks: number[] = [];
  private flushing = false;
  /** Messages handed to the sink and not yet settled. */
  inflight = 0;
  /** Messages received since the session started, and when the last one came. */
  received = 0;
  lastMessageAt = 0;
  private readonly idleWaiters: Array<() => void> = [];
  /** mqtt.js's callback held back while `receiveMaximum` messages are unsettled: no packet is read meanwhile. */
  private paused?: () => void;

  constructor(
    private readonly options: MqttSessionOptions,
    sink: MessageSink,
  ) {
    this.client = connect(options.url, {
      clientId: options.clientId,
      protocolVersion: 5,
      clean: false,
      properties: {
        sessionExpiryInterval: options.sessionExpirySeconds,
        receiveMaximum: options.receiveMaximum,
      },
      will: options.will,
      // 250 ms, not mqtt.js's 1 s: after a broker restart, readings that reach it before the consumer has subscribed
      // again have no subscriber and are dropped (Mosquitto 2.0 restores a session without its shared subscriptions).
      reconnectPeriod: options.reconnect ? RECONNECT_PERIOD_MS : 0,
      connectTimeout: 5000,
      manualConnect: true,
      // mqtt.js logs several lines per packet through `debug`; off unless DEBUG asks for it (hot path).
      ...(/mqttjs/.test(process.env.DEBUG ?? '') ? {} : { log: () => undefined }),
    });
    this.client.on('connect', () => (this.generation += 1));
    this.client.handleMessage = (packet, done) => {
      this.received += 1;
      this.lastMessageAt = Date.now();
      if (packet.qos === 0) {
        this.inflight += 1;
        sink(packet, () => this.settled(), this);
        return this.next(() => done());
      }
      const generation = this.generation;
      const messageId = packet.messageId as number;
      this.inflight += 1;
      let settled = false;
      sink(
        packet,
        () => {
          if (settled) return;
          settled = true;
          if (generation === this.generation) this.acknowledge(messageId);
          this.settled();
        },
        this,
      );
      this.next(() => done(ACK_LATER));
    };
  }

  get clientId(): string {
    return this.options.clientId;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Connects; resolves with the first CONNACK (rejects on a connection error when it does not reconnect). */
  start(): Promise<IConnackPacket> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        if (!this.options.reconnect) reject(error);
      };
      this.client.once('connect', (connack) => {
        this.client.off('error', onError);
        resolve(connack);
      });
      this.client.on('error', onError);
      this.client.connect();
    });
  }

  /** Whether the connection that delivered a message is still the current one (a retry makes sense). */
  isCurrent(generationAtDelivery: number): boolean {
    return this.client.connected && generationAtDelivery === this.generation;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  /**
   * Flow control of our own, whatever the broker does with our Receive Maximum (Mosquitto 2.0 was seen sending more):
   * with `receiveMaximum` messages unsettled, mqtt.js is not asked for the next packet, so it stops reading the
   * socket, TCP pushes back and the backlog stays at the broker. Memory stays bounded by the window.
   */
  private next(resume: () => void): void {
    if (this.inflight < this.options.receiveMaximum) return resume();
    this.paused = resume;
  }

  private settled(): void {
    this.inflight -= 1;
    if (this.paused && this.inflight < this.options.receiveMaximum) {
      const resume = this.paused;
      this.paused = undefined;
      resume();
    }
    if (this.inflight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** PUBACKs of one committed batch leave together, in one socket write. */
  private acknowledge(messageId: number): void {
    this.acks.push(messageId);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const ids = this.acks.splice(0);
      const stream = this.client.stream;
      if (!this.client.connected || !stream) return; // the broker redelivers them on the next connection
      const packets = ids.map((id) =>
        mqttPacket.generate({ cmd: 'puback', messageId: id }, { protocolVersion: 5 }),
      );
      stream.write(packets.length === 1 ? packets[0] : Buffer.concat(packets));
    });
  }

  /** Resolves when nothing handed to the sink is left unsettled. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Waits until the session has been quiet (nothing unsettled, no new message) for `quietMs`, or `timeoutMs` has
   * passed; resolves true when it went quiet.
   */
  async drain(quietMs: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const quietFor = Date.now() - this.lastMessageAt;
      if (this.inflight === 0 && quietFor >= quietMs) return true;
      if (Date.now() >= deadline || !this.client.connected) return this.inflight === 0 && quietFor >= quietMs;
      await new Promise((r) => setTimeout(r, Math.min(50, quietMs)));
    }
  }

  unsubscribe(topics: string[]): Promise<void> {
    return this.client.unsubscribeAsync(topics).then(() => undefined);
  }

  /** Leaves and deletes the session at the broker (session expiry 0): nothing is queued for it any more. */
  async leave(): Promise<void> {
    await new Promise((r) => setImmediate(r)); // the last PUBACKs
    if (!this.client.connected) return void this.client.end(true);
    await this.client
      .endAsync(false, { properties: { sessionExpiryInterval: 0 } })
      .catch(() => this.client.end(true));
  }

  /** Leaves and keeps the session: the broker goes on queueing for it until someone resumes it. */
  async detach(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await this.client.endAsync().catch(() => this.client.end(true));
  }
}
