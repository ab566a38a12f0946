import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { AlertEvent, SensorDataEvent, SensorsServerEvents, SystemStatusEvent } from './sensor-events.js';

/** Every client starts here and gets everything until it subscribes to something narrower. */
export const ALL_ROOM = 'sensors:all';
export const sensorRoom = (sensorId: string) => `sensor:${sensorId}`;
export const typeRoom = (sensorType: string) => `type:${sensorType}`;

/** One event of a batch, as it travels between replicas. */
export type LiveEvent =
  ['sensor_data', SensorDataEvent] | ['alert', AlertEvent] | ['system_status', SystemStatusEvent];

/** What the replicas say to each other on `/sensors` (the Redis adapter's server-side emits). */
export interface SensorsInterServerEvents {
  /** The events one replica produced in one tick, in order. */
  live_batch: (events: LiveEvent[]) => void;
  /** "I have `/sensors` clients": the others forward their events for a while (sent every second). */
  live_interest: () => void;
  /** The same for a replica's first client, acknowledged by every other replica. */
  live_hello: (ack: (ok: boolean) => void) => void;
}

export type SensorsNamespace = Namespace<
  Record<string, never>,
  SensorsServerEvents,
  SensorsInterServerEvents
>;

/** How often a replica with clients says so, and how long the others believe it. */
const HEARTBEAT_MS = 1_000;
const INTEREST_TTL_MS = 3_500;
/**
 * A client whose Engine.IO write buffer holds more packets than this at a heartbeat is too slow for the stream and is
 * disconnected (it may reconnect), so no client can make the process's memory grow without limit.
 */
export const MAX_QUEUED_PACKETS = 5_000;

/**
 * The `/sensors` events the services emit. An event goes to the rooms of its sensor, of its type and to the
 * catch-all room, and Socket.IO sends it once per client even when the client is in several of them.
 *
 * The hot path is one call per stored reading, so the events of one tick are queued and sent together: each replica
 * emits them to its own clients (`namespace.local`, one encoding per event for all its clients) and, while another
 * replica has clients, forwards the whole batch in one Redis message (`serverSideEmit` of the Redis adapter); the
 * receivers emit it to their own clients. With no client on any replica an event costs a size check and a clock
 * read. Replicas with clients announce it every second; the first client on a replica waits at the handshake until
 * the others have acknowledged, so it misses nothing stored elsewhere after it connected.
 *
 * The gateway (HTTP app) attaches the namespace when Socket.IO starts it; in a process without one (the CLI) nothing
 * is sent.
 */
@Injectable()
export class LiveStream implements OnModuleDestroy {
  private readonly logger = new Logger(LiveStream.name);
  private namespace?: SensorsNamespace;
  private pending: LiveEvent[] = [];
  private flushScheduled = false;
  /** Until when some other replica is known to have clients. */
  private remoteUntil = 0;
  private heartbeat?: NodeJS.Timeout;
  private announcing?: Promise<void>;
  private readonly flush = () => this.send();

  attach(namespace: SensorsNamespace): void {
    this.namespace = namespace;
    // A replica that starts does not know yet who has clients: it forwards until the first heartbeats have told it.
    this.remoteUntil = Date.now() + INTEREST_TTL_MS;
    namespace.on('live_batch', (events) => this.emitLocally(events));
    namespace.on('live_interest', () => {
      this.remoteUntil = Date.now() + INTEREST_TTL_MS;
    });
    namespace.on('live_hello', (ack) => {
      this.remoteUntil = Date.now() + INTEREST_TTL_MS;
      ack(true);
    });
  }

  /** Whether an event could reach a client now: callers skip building events nobody can receive. */
  get streaming(): boolean {
    return this.wanted();
  }

  sensorData(event: SensorDataEvent): void {
    if (this.wanted()) this.queue(['sensor_data', event]);
  }

  alert(event: AlertEvent): void {
    if (this.wanted()) this.queue(['alert', event]);
  }

  /** Everyone gets the system status, whatever they subscribed to. */
  systemStatus(event: SystemStatusEvent): void {
    if (this.wanted()) this.queue(['system_status', event]);
    this.logger.debug(`system status from ${event.topic}`);
  }

  /**
   * Called at the handshake of a client, before it is connected: the first client of this replica waits until the
   * other replicas know (or 1 s at most), then the heartbeat keeps them informed while this replica has clients.
   */
  async clientArriving(): Promise<void> {
    const namespace = this.namespace;
    if (!namespace) return;
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
      this.heartbeat.unref();
      let timer: NodeJS.Timeout | undefined;
      this.announcing = Promise.race([
        namespace.serverSideEmitWithAck('live_hello').then(() => undefined),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000))),
      ])
        .catch((e: Error) =>
          this.logger.debug(`live_interest not acknowledged by every replica: ${e.message}`),
        )
        .finally(() => clearTimeout(timer));
    }
    await this.announcing;
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Some client, here or on another replica, may want it. */
  private wanted(): boolean {
    return this.namespace !== undefined && (this.namespace.sockets.size > 0 || Date.now() < this.remoteUntil);
  }

  private queue(event: LiveEvent): void {
    this.pending.push(event);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After the current I/O callbacks: a committed batch of readings leaves as one batch.
      setImmediate(this.flush);
    }
  }

  private send(): void {
    this.flushScheduled = false;
    const events = this.pending;
    this.pending = [];
    const namespace = this.namespace;
    if (!namespace || events.length === 0) return;
    if (Date.now() < this.remoteUntil) {
      try {
        namespace.serverSideEmit('live_batch', events);
      } catch (e) {
        // An adapter without server-side emits (a single process): there is nobody to forward to.
        this.remoteUntil = 0;
        this.logger.warn(`live events stay on this replica: ${(e as Error).message}`);
      }
    }
    this.emitLocally(events);
  }

  /** To this replica's clients only; an event none of them can receive costs a few room look-ups. */
  private emitLocally(events: LiveEvent[]): void {
    const namespace = this.namespace;
    if (!namespace || namespace.sockets.size === 0) return;
    const rooms = namespace.adapter.rooms;
    for (const [name, payload] of events) {
      if (name === 'system_status') {
        namespace.local.emit(name, payload);
        continue;
      }
      const targets: string[] = [];
      for (const room of [ALL_ROOM, sensorRoom(payload.sensor_id), typeRoom(payload.sensor_type)])
        if (rooms.has(room)) targets.push(room);
      if (targets.length === 0) continue;
      if (name === 'sensor_data') namespace.local.to(targets).emit(name, payload);
      else namespace.local.to(targets).emit(name, payload);
    }
  }

  private beat(): void {
    const namespace = this.namespace;
    if (!namespace || namespace.sockets.size === 0) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    namespace.serverSideEmit('live_interest');
    for (const socket of namespace.sockets.values()) {
      if (queuedPackets(socket) > MAX_QUEUED_PACKETS) {
        this.logger.warn(`disconnecting a /sensors client that cannot keep up (${socket.id})`);
        socket.disconnect(true);
      }
    }
  }
}

/**
 * The packets Engine.IO holds for a client that its transport has not taken yet. Socket.IO and Engine.IO set no limit
 * on it; the field is not in their typings, hence the cast (kept to this one function).
 */
function queuedPackets(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}
