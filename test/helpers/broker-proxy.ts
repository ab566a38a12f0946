import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** MQTT control packet type of a SUBACK (the high nibble of a packet's first byte). */
const SUBACK = 9;

interface Connection {
  client: Socket;
  broker: Socket;
  /** The broker's bytes not yet cut into whole packets. */
  pending: Buffer;
  /** Packets held back from the client since a held SUBACK, in order; undefined when nothing is held. */
  held?: Buffer[];
}

/**
 * A TCP proxy in front of the real broker, for what a broker cannot be asked to do on cue: drop every connection at
 * once, or hold back its SUBACKs (and everything after them on that connection) until released, which leaves a
 * client connected but not yet subscribed. The packets themselves are the broker's, forwarded untouched.
 */
export class BrokerProxy {
  private readonly connections = new Set<Connection>();
  private holding = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(brokerUrl: string): Promise<BrokerProxy> {
    const target = new URL(brokerUrl);
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const proxy = new BrokerProxy(server, `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`);
    server.on('connection', (client) => proxy.accept(client, target));
    return proxy;
  }

  /** From now on, a SUBACK and what follows it wait until `release`. */
  holdSubacks(): void {
    this.holding = true;
  }

  /** Delivers what was held, in order, and forwards everything from now on. */
  release(): void {
    this.holding = false;
    for (const connection of this.connections) {
      const held = connection.held ?? [];
      connection.held = undefined;
      for (const packet of held) connection.client.write(packet);
    }
  }

  /** Cuts every connection, as a broker restart or a network failure would. */
  dropConnections(): void {
    for (const connection of this.connections) this.close(connection);
  }

  async stop(): Promise<void> {
    this.dropConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(client: Socket, target: URL): void {
    const broker = connect(Number(target.port || 1883), target.hostname);
    const connection: Connection = { client, broker, pending: Buffer.alloc(0) };
    this.connections.add(connection);
    client.pipe(broker);
    broker.on('data', (data: Buffer) => this.fromBroker(connection, data));
    for (const socket of [client, broker]) {
      socket.on('error', () => this.close(connection));
      socket.on('close', () => this.close(connection));
    }
  }

  private fromBroker(connection: Connection, data: Buffer): void {
    connection.pending = Buffer.concat([connection.pending, data]);
    for (;;) {
      const length = packetLength(connection.pending);
      if (length === 0) return;
      const packet = connection.pending.subarray(0, length);
      connection.pending = connection.pending.subarray(length);
      if (!connection.held && this.holding && packet[0] >> 4 === SUBACK) connection.held = [];
      if (connection.held) connection.held.push(packet);
      else connection.client.write(packet);
    }
  }

  private close(connection: Connection): void {
    this.connections.delete(connection);
    connection.client.destroy();
    connection.broker.destroy();
  }
}

/** The length of the first whole MQTT packet of `buffer` (fixed header included), 0 while it is incomplete. */
function packetLength(buffer: Buffer): number {
  let remaining = 0;
  for (let i = 1; i <= 4; i++) {
    if (i >= buffer.length) return 0;
    remaining += (buffer[i] & 0x7f) * 128 ** (i - 1);
    if ((buffer[i] & 0x80) === 0) return buffer.length >= i + 1 + remaining ? i + 1 + remaining : 0;
  }
  throw new Error('malformed MQTT packet length');
}
