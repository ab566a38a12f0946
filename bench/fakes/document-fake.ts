import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

/**
 * A fake cloud API driven by JSON documents, one per route, as recorded from the real service: the server matches
 * method, path and a subset of the query, then answers the document. What the documents cannot express is the
 * protocol itself, implemented once for every route: the bearer token (issued by the OAuth token endpoint the
 * fake also serves), paging in the service's own style (ARM `nextLink`, Graph `@odata.nextLink`, Google
 * `nextPageToken`), Graph's `$select` and throttling (429 with `Retry-After`).
 *
 * Documents may hold templates, expanded when loaded so recorded dates stay relative to the test's now:
 * `{{daysAgo N}}` (an ISO time), `{{daily N field value}}` (Azure Monitor data points, one a day) and
 * `{{points N doubleValue|int64Value value}}` (Cloud Monitoring points).
 */
export interface RouteDocument {
  method?: 'GET' | 'POST';
  path: string;
  /** Parameters the request must carry with these values (others are ignored). */
  query?: Record<string, string>;
  status?: number;
  body?: unknown;
  /** Serve `body[field]` (an array, or an object's entries) `size` at a time. */
  paging?: { field: string; size: number };
  /** The first `times` requests answer 429 with this Retry-After. */
  throttle?: { times: number; retryAfter: string };
}

export type PagingStyle = 'arm' | 'odata' | 'google';

export type TokenGrant =
  | {
      /** Microsoft identity platform: `POST /{tenant}/oauth2/v2.0/token`, client-credentials grant. */
      kind: 'microsoft';
      tenantId: string;
      clientId: string;
      clientSecret: string;
      scope: string;
      /** Further scopes the app may ask a token for (Azure Monitor's metrics data plane). */
      otherScopes?: string[];
    }
  | {
      /** Google: `POST /token`, JWT-bearer grant; the assertion's RS256 signature is checked. */
      kind: 'google';
      clientEmail: string;
      publicKeyPem: string;
    };

export interface FakeOptions {
  paging: PagingStyle;
  grant: TokenGrant;
  routes: RouteDocument[];
  /** The service's error body for a missing or wrong token and for an unknown route. */
  errors: { unauthorized: unknown; notFound: unknown };
  tls?: { key: string; cert: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

const DAY_MS = 86_400_000;

/** Expands the templates of a recorded document (see RouteDocument). */
export function expand(value: unknown, now = Date.now()): unknown {
  if (Array.isArray(value)) return value.map((v) => expand(v, now));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, now)]));
  if (typeof value !== 'string') return value;
  const at = (days: number) => new Date(now - days * DAY_MS).toISOString();
  let m = /^\{\{daysAgo ([\d.]+)\}\}$/.exec(value);
  if (m) return at(Number(m[1]));
  m = /^\{\{daily (\d+) (\w+) ([\d.]+)\}\}$/.exec(value);
  if (m) {
    const [, days, field, v] = m;
    return Array.from({ length: Number(days) }, (_, i) => ({
      timeStamp: at(Number(days) - i),
      [field]: Number(v),
    }));
  }
  m = /^\{\{points (\d+) (doubleValue|int64Value) ([\d.]+)\}\}$/.exec(value);
  if (m) {
    const [, days, kind, v] = m;
    return Array.from({ length: Number(days) }, (_, i) => ({
      interval: { startTime: at(i + 1), endTime: at(i) },
      value: { [kind]: kind === 'int64Value' ? v : Number(v) },
    }));
  }
  return value;
}

export async function loadRoutes(file: string | URL): Promise<RouteDocument[]> {
  return expand(JSON.parse(await readFile(file, 'utf8'))) as RouteDocument[];
}

/** OData `$select`: a collection's items keep only the properties asked for, as Graph answers. */
function selected(body: unknown, select: string | undefined): unknown {
  const doc = body as { value?: unknown } | undefined;
  if (!select || !Array.isArray(doc?.value)) return body;
  const keep = new Set(select.split(','));
  return {
    ...doc,
    value: doc.value.map((item: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k) || k.startsWith('@odata'))),
    ),
  };
}

const PAGE_PARAM: Record<PagingStyle, string> = {
  arm: '$skiptoken',
  odata: '$skiptoken',
  google: 'pageToken',
};

export class DocumentFake {
  url = '';
  readonly token = `tok-${randomBytes(8).toString('hex')}`;
  readonly requests: RecordedRequest[] = [];
  private readonly served = new Map<RouteDocument, number>();
  /** Routes by method and path: a benchmark's estate holds tens of thousands. */
  private readonly byPath = new Map<string, RouteDocument[]>();
  private server?: Server;

  constructor(readonly options: FakeOptions) {
    for (const route of options.routes) this.index(route, 'last');
  }

  /** Adds a route answered before those of the same path (a test changing the service's answer mid-way). */
  prepend(route: RouteDocument): void {
    this.options.routes.unshift(route);
    this.index(route, 'first');
  }

  private index(route: RouteDocument, where: 'first' | 'last'): void {
    const key = `${route.method ?? 'GET'} ${route.path}`;
    const same = this.byPath.get(key) ?? [];
    this.byPath.set(key, where === 'first' ? [route, ...same] : [...same, route]);
  }

  async start(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = this.options.tls ? createHttpsServer(this.options.tls, handler) : createHttpServer(handler);
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const port = (this.server.address() as { port: number }).port;
    this.url = `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /** Requests to paths matching `pattern`. */
  calls(pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => pattern.test(r.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const send = (status: number, doc: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(doc === undefined ? '' : JSON.stringify(doc));
    };

    if (req.method === 'POST' && url.pathname.endsWith('/token')) {
      const answer = this.grant(url.pathname, new URLSearchParams(body));
      return send(answer.status, answer.body);
    }
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send(401, this.options.errors.unauthorized);

    const route = this.byPath
      .get(`${req.method} ${decodeURIComponent(url.pathname)}`)
      ?.find((r) => Object.entries(r.query ?? {}).every(([k, v]) => query[k] === v));
    if (!route && req.method === 'POST' && url.pathname.endsWith('/metrics:getBatch'))
      return this.metricsBatch(query, body, send);
    if (!route) return send(404, this.options.errors.notFound);
    const count = (this.served.get(route) ?? 0) + 1;
    this.served.set(route, count);
    if (route.throttle && count <= route.throttle.times)
      return send(
        429,
        { error: { code: 'TooManyRequests', message: 'Throttled' } },
        {
          'retry-after': route.throttle.retryAfter,
        },
      );
    const answer = route.paging ? this.page(route, url) : route.body;
    send(route.status ?? 200, this.options.paging === 'odata' ? selected(answer, query.$select) : answer);
  }

  /**
   * Azure Monitor `metrics:getBatch` (api-version 2023-10-01): up to 50 resource ids in the body, each answered
   * from the per-resource metrics document the fake holds for it (`{id}/providers/Microsoft.Insights/metrics` with
   * the same metric names and interval), so the batch and the per-resource API tell the same story.
   */
  private metricsBatch(
    query: Record<string, string>,
    body: string,
    send: (status: number, doc: unknown) => void,
  ): void {
    const missing = ['metricnamespace', 'metricnames', 'starttime', 'endtime', 'api-version'].filter(
      (name) => !query[name],
    );
    let ids: unknown;
    try {
      ids = (JSON.parse(body) as { resourceids?: unknown }).resourceids;
    } catch {
      ids = undefined;
    }
    if (missing.length > 0 || !Array.isArray(ids) || ids.length === 0 || ids.length > 50)
      return send(400, {
        error: {
          code: 'BadRequest',
          message: missing.length
            ? `Missing ${missing.join(', ')}`
            : 'resourceids must list 1 to 50 resource ids',
        },
      });
    const values = (ids as string[]).map((id) => {
      const single = this.byPath
        .get(`GET ${id}/providers/Microsoft.Insights/metrics`)
        ?.find((r) => Object.entries(r.query ?? {}).every(([k, v]) => query[k] === v));
      return {
        starttime: query.starttime,
        endtime: query.endtime,
        interval: query.interval,
        namespace: query.metricnamespace,
        resourceid: id,
        value: (single?.body as { value?: unknown[] } | undefined)?.value ?? [],
      };
    });
    send(200, { values });
  }

  /** One page of a route's document, with the link or token to the next in the service's style. */
  private page(route: RouteDocument, url: URL): unknown {
    const { field, size } = route.paging as { field: string; size: number };
    const param = PAGE_PARAM[this.options.paging];
    const offset = Number(url.searchParams.get(param) ?? 0);
    const doc = route.body as Record<string, unknown>;
    const all = doc[field];
    const entries = Array.isArray(all) ? all : Object.entries((all as Record<string, unknown>) ?? {});
    const slice = entries.slice(offset, offset + size);
    const page: Record<string, unknown> = {
      ...doc,
      [field]: Array.isArray(all) ? slice : Object.fromEntries(slice as Array<[string, unknown]>),
    };
    if (offset + size >= entries.length) return page;
    const next = new URL(url.toString().replace('http://fake', this.url));
    next.searchParams.set(param, String(offset + size));
    if (this.options.paging === 'arm') page.nextLink = next.toString();
    else if (this.options.paging === 'odata') page['@odata.nextLink'] = next.toString();
    else page.nextPageToken = String(offset + size);
    return page;
  }

  private grant(path: string, form: URLSearchParams): { status: number; body: unknown } {
    const grant = this.options.grant;
    const issued = {
      status: 200,
      body: { token_type: 'Bearer', expires_in: 3599, access_token: this.token },
    };
    const refuse = (error: string, description: string) => ({
      status: error === 'invalid_client' ? 401 : 400,
      body: { error, error_description: description },
    });
    if (grant.kind === 'microsoft') {
      if (path !== `/${grant.tenantId}/oauth2/v2.0/token`)
        return refuse('invalid_request', `AADSTS90002: Tenant '${path.split('/')[1]}' not found.`);
      if (form.get('grant_type') !== 'client_credentials')
        return refuse('unsupported_grant_type', 'grant_type');
      if (![grant.scope, ...(grant.otherScopes ?? [])].includes(form.get('scope') ?? ''))
        return refuse('invalid_scope', `AADSTS70011: scope ${form.get('scope')}`);
      if (form.get('client_id') !== grant.clientId || form.get('client_secret') !== grant.clientSecret)
        return refuse('invalid_client', 'AADSTS7000215: Invalid client secret provided.');
      return issued;
    }
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return refuse('unsupported_grant_type', 'Invalid grant_type');
    const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
    const valid =
      !!signature &&
      createVerify('RSA-SHA256')
        .update(`${header}.${claims}`)
        .verify(createPublicKey(grant.publicKeyPem), Buffer.from(signature, 'base64url'));
    const payload = valid
      ? (JSON.parse(Buffer.from(claims, 'base64url').toString()) as {
          iss?: string;
          aud?: string;
          exp?: number;
        })
      : {};
    if (!valid || payload.iss !== grant.clientEmail || payload.aud !== `${this.url}/token`)
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
    return issued;
  }
}
