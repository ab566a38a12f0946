import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';

/** One item of an envelope: its header (`type`, maybe `length`) and its payload (parsed when it is JSON). */
export interface EnvelopeItem {
  header: { type: string; length?: number; [key: string]: unknown };
  payload: unknown;
}

export interface Envelope {
  project: string;
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

/** The parts of an error event the tests read. */
export interface SentryEvent {
  event_id: string;
  level?: string;
  tags?: Record<string, string>;
  exception?: { values?: Array<{ type?: string; value?: string }> };
}

/**
 * A local Sentry ingestion endpoint: `POST /api/<project>/envelope/`, the way the SDK sends (gzip or not), parsed
 * as the envelope format: a JSON header line, then per item a JSON item header line and its payload (`length`
 * bytes when the header gives it, else up to the next newline). The DSN to give the app is `dsn`.
 */
export class FakeSentry {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly envelopes: Envelope[],
  ) {}

  static async start(): Promise<FakeSentry> {
    const envelopes: Envelope[] = [];
    const server = createServer((req, res) => {
      void readBody(req).then(
        (body) => {
          const match = /^\/api\/([^/]+)\/envelope\/?(\?.*)?$/.exec(req.url ?? '');
          if (req.method !== 'POST' || !match) {
            res.writeHead(404).end();
            return;
          }
          envelopes.push({ project: match[1], ...parseEnvelope(body) });
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        },
        () => res.writeHead(400).end(),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new FakeSentry(server, (server.address() as { port: number }).port, envelopes);
  }

  get dsn(): string {
    return `http://publickey@127.0.0.1:${this.port}/1`;
  }

  /** The error events received so far. */
  events(): SentryEvent[] {
    return this.envelopes.flatMap((e) =>
      e.items.filter((i) => i.header.type === 'event').map((i) => i.payload as SentryEvent),
    );
  }

  /** Waits for an error event whose tags include `tags`. */
  async waitForEvent(tags: Record<string, string>, timeoutMs = 20_000): Promise<SentryEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events().find((e) => Object.entries(tags).every(([k, v]) => e.tags?.[k] === v));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `No Sentry event tagged ${JSON.stringify(tags)} in ${timeoutMs} ms; got tags ${JSON.stringify(this.events().map((e) => e.tags))}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const encoding = req.headers['content-encoding'];
  if (encoding === 'gzip') return gunzipSync(raw);
  if (encoding === 'deflate') return inflateSync(raw);
  return raw;
}

export function parseEnvelope(body: Buffer): Omit<Envelope, 'project'> {
  let offset = 0;
  const line = (): Buffer => {
    const end = body.indexOf(0x0a, offset);
    const text = body.subarray(offset, end === -1 ? body.length : end);
    offset = end === -1 ? body.length : end + 1;
    return text;
  };
  const header = JSON.parse(line().toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (offset < body.length) {
    const headerLine = line();
    if (headerLine.length === 0) continue;
    const itemHeader = JSON.parse(headerLine.toString('utf8')) as EnvelopeItem['header'];
    let raw: Buffer;
    if (typeof itemHeader.length === 'number') {
      raw = body.subarray(offset, offset + itemHeader.length);
      offset += itemHeader.length;
      if (body[offset] === 0x0a) offset += 1;
    } else raw = line();
    let payload: unknown = raw;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      // an attachment or another binary item: kept as bytes
    }
    items.push({ header: itemHeader, payload });
  }
  return { header, items };
}
