import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { resolve } from 'node:path';

/** A fixture file of test/fixtures/species (copied from the shared OBIS/WoRMS fixtures). */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(process.cwd(), 'test/fixtures/species', name), 'utf8')) as T;
}

export interface ObisFixtureRecord {
  id: string;
  eventDate?: string;
  date_start?: number;
  aphiaID?: number;
  scientificName?: string;
  vernacularName?: string;
  [field: string]: unknown;
}

/** Both real OBIS pages, as one list sorted by id (the order OBIS pages by). */
export function obisRecords(): ObisFixtureRecord[] {
  const pages = ['occurrence-global-page.json', 'occurrence-mola-gadus-page.json'].map(
    (f) => fixture<{ results: ObisFixtureRecord[] }>(f).results,
  );
  return pages.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The day the fake uses for the date filters: the start of eventDate when it is a full date, else date_start. */
export function recordDay(r: ObisFixtureRecord): string | undefined {
  const start = r.eventDate?.split('/')[0] ?? '';
  if (/^\d{4}-\d{2}-\d{2}/.test(start)) return start.slice(0, 10);
  return typeof r.date_start === 'number' ? new Date(r.date_start).toISOString().slice(0, 10) : undefined;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * OBIS API v3 `GET /v3/occurrence` over the fixture records: honours `after` (records with a greater id), `size`,
 * `startdate`/`enddate`, `taxonid` and `scientificname`. `fail` makes chosen requests answer 500.
 */
export class FakeObis {
  records = obisRecords();
  requests: URLSearchParams[] = [];
  fail: (query: URLSearchParams) => boolean = () => false;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    const { server, url } = await listen((req, res) => this.handle(req, res));
    this.server = server;
    this.url = url;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname !== '/v3/occurrence') return json(res, 404, { message: 'not found' });
    const q = url.searchParams;
    this.requests.push(q);
    if (this.fail(q)) return json(res, 500, { message: 'internal error' });
    const size = Math.min(Number(q.get('size') ?? 500), 10000);
    const after = q.get('after');
    const start = q.get('startdate');
    const end = q.get('enddate');
    const taxa = q.get('taxonid')?.split(',').map(Number);
    const names = q.get('scientificname')?.split(',');
    const matching = this.records.filter((r) => {
      if (start || end) {
        const day = recordDay(r);
        if (!day || (start && day < start) || (end && day > end)) return false;
      }
      if (taxa && !taxa.includes(r.aphiaID ?? -1)) return false;
      if (names && !names.includes(r.scientificName ?? '')) return false;
      return true;
    });
    const rest = after ? matching.filter((r) => r.id > after) : matching;
    json(res, 200, { total: matching.length, results: rest.slice(0, size) });
  }
}

/** WoRMS `GET /rest/AphiaVernacularsByAphiaID/{id}`: the fixture for 127405, 204 otherwise; `failing` ids get 500. */
export class FakeWorms {
  requests: number[] = [];
  failing = new Set<number>();
  private server?: Server;
  url = '';
  private readonly names: Record<number, unknown> = {
    127405: fixture('AphiaVernacularsByAphiaID-127405.json'),
  };

  async start(): Promise<this> {
    const { server, url } = await listen((req, res) => {
      const match = /^\/rest\/AphiaVernacularsByAphiaID\/(\d+)$/.exec(req.url ?? '');
      if (!match) return json(res, 404, {});
      const id = Number(match[1]);
      this.requests.push(id);
      if (this.failing.has(id)) return json(res, 500, {});
      if (this.names[id]) return json(res, 200, this.names[id]);
      res.writeHead(204);
      res.end();
    });
    this.server = server;
    this.url = url;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/** Environment of the app and CLI processes pointed at the fakes, with no polite delay and quick retries. */
export function speciesEnv(obis: FakeObis, worms: FakeWorms, uploadDir: string): Record<string, string> {
  return {
    OBIS_BASE_URL: obis.url,
    WORMS_BASE_URL: worms.url,
    OBIS_PAGE_DELAY_MS: '0',
    OBIS_RETRY_BASE_MS: '10',
    OBIS_MAX_RETRIES: '2',
    SPECIES_CRON_ENABLED: 'false',
    SPECIES_UPLOAD_DIR: uploadDir,
  };
}
