import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * A local S3-compatible server over a directory (`<root>/<bucket>/<key>`), path-style, speaking the parts of the S3
 * REST API a Zarr reader uses: HEAD and GET object, ListObjectsV2 with continuation tokens. Tests can slow it down
 * or make object GETs fail, to exercise the job's concurrency, progress and failure paths.
 */
export class FakeS3 {
  delayMs = 0;
  /** GETs of keys matching this fail with 500 (the client's retries fail too). */
  failGets: RegExp | null = null;
  readonly requests: string[] = [];
  private server?: Server;
  url = '';

  constructor(
    private readonly root: string,
    private readonly pageSize = 50,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [bucket, ...rest] = decodeURIComponent(url.pathname).slice(1).split('/');
    const key = rest.join('/');
    this.requests.push(`${req.method} ${bucket}/${key}`);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    try {
      if (req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
        return await this.list(res, bucket, url.searchParams);
      }
      if ((req.method === 'GET' || req.method === 'HEAD') && key) {
        if (req.method === 'GET' && this.failGets?.test(key)) return error(res, 500, 'InternalError');
        const path = join(this.root, bucket, key);
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) return error(res, 404, 'NoSuchKey', req.method === 'HEAD');
        res.writeHead(200, {
          'Content-Length': info.size,
          'Content-Type': 'application/octet-stream',
          'Last-Modified': info.mtime.toUTCString(),
          ETag: `"${info.size}-${info.mtimeMs}"`,
        });
        if (req.method === 'HEAD') return void res.end();
        return void res.end(await readFile(path));
      }
      error(res, 400, 'InvalidRequest');
    } catch (e) {
      error(res, 500, (e as Error).message);
    }
  }

  private async list(res: ServerResponse, bucket: string, params: URLSearchParams): Promise<void> {
    const prefix = params.get('prefix') ?? '';
    const dir = join(this.root, bucket);
    const keys: Array<{ key: string; size: number; mtime: Date }> = [];
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const key = relative(dir, path).split(sep).join('/');
      if (!key.startsWith(prefix)) continue;
      const info = await stat(path);
      keys.push({ key, size: info.size, mtime: info.mtime });
    }
    keys.sort((a, b) => (a.key < b.key ? -1 : 1));
    const start = Number(params.get('continuation-token') ?? 0);
    const pageKeys = keys.slice(start, start + this.pageSize);
    const truncated = start + this.pageSize < keys.length;
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${pageKeys.length}</KeyCount>` +
      `<MaxKeys>${this.pageSize}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      (truncated ? `<NextContinuationToken>${start + this.pageSize}</NextContinuationToken>` : '') +
      pageKeys
        .map(
          (k) =>
            `<Contents><Key>${k.key}</Key><LastModified>${k.mtime.toISOString()}</LastModified>` +
            `<ETag>"${k.size}"</ETag><Size>${k.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join('') +
      `</ListBucketResult>`;
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.end(xml);
  }
}

function error(res: ServerResponse, status: number, code: string, head = false): void {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(
    head
      ? undefined
      : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
  );
}
