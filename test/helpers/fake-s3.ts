import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The tests' S3: a local server over a directory (`<root>/<bucket>/<key>`), path-style, speaking the S3 REST API
 * the AWS SDK uses for what Terrawatch does with buckets: CreateBucket, ListObjectsV2 with continuation tokens,
 * HeadObject, GetObject, PutObject (plain or aws-chunked bodies) and DeleteObject, with S3's XML errors. Signatures are not checked. Tests can also write objects as files under the root, slow the
 * server down or make object GETs fail, to exercise concurrency, progress and failure paths.
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

  /** A bucket that exists before the test talks to the server. */
  async createBucket(name: string): Promise<void> {
    await mkdir(join(this.root, name), { recursive: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [bucket, ...rest] = decodeURIComponent(url.pathname).slice(1).split('/');
    const key = rest.join('/');
    this.requests.push(`${req.method} ${bucket}/${key}`);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    try {
      if (!bucket) return error(res, 400, 'InvalidRequest');
      const bucketDir = join(this.root, bucket);
      if (req.method === 'PUT' && key === '') {
        await mkdir(bucketDir, { recursive: true });
        res.writeHead(200, { Location: `/${bucket}` });
        return void res.end();
      }
      if (!(await isDirectory(bucketDir))) return error(res, 404, 'NoSuchBucket', req.method === 'HEAD');
      if (key === '') {
        if (req.method === 'GET' && url.searchParams.get('list-type') === '2')
          return await this.list(res, bucket, url.searchParams);
        return error(res, 400, 'InvalidRequest');
      }
      const path = objectPath(bucketDir, key);
      if (!path) return error(res, 400, 'InvalidArgument');
      switch (req.method) {
        case 'HEAD':
        case 'GET':
          return await this.getObject(req, res, key, path);
        case 'PUT':
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, await requestBody(req));
          res.writeHead(200, { ETag: etag(await stat(path)) });
          return void res.end();
        case 'DELETE':
          await rm(path, { force: true });
          return void res.writeHead(204).end();
        default:
          return error(res, 405, 'MethodNotAllowed');
      }
    } catch (e) {
      error(res, 500, (e as Error).message);
    }
  }

  private async getObject(req: IncomingMessage, res: ServerResponse, key: string, path: string) {
    const head = req.method === 'HEAD';
    if (!head && this.failGets?.test(key)) return error(res, 500, 'InternalError');
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return error(res, 404, 'NoSuchKey', head);
    res.writeHead(200, {
      'Content-Length': info.size,
      'Content-Type': 'application/octet-stream',
      'Last-Modified': info.mtime.toUTCString(),
      ETag: etag(info),
    });
    res.end(head ? undefined : await readFile(path));
  }

  private async list(res: ServerResponse, bucket: string, params: URLSearchParams): Promise<void> {
    const prefix = params.get('prefix') ?? '';
    const dir = join(this.root, bucket);
    const keys: Array<{ key: string; size: number; mtime: Date }> = [];
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
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
      `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${pageKeys.length}</KeyCount>` +
      `<MaxKeys>${this.pageSize}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      (truncated ? `<NextContinuationToken>${start + this.pageSize}</NextContinuationToken>` : '') +
      pageKeys
        .map(
          (k) =>
            `<Contents><Key>${escapeXml(k.key)}</Key><LastModified>${k.mtime.toISOString()}</LastModified>` +
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
      : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(code)}</Message></Error>`,
  );
}

function etag(info: Stats): string {
  return `"${info.size}-${info.mtimeMs}"`;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** The file of an object; a key that would land outside its bucket is refused. */
function objectPath(bucketDir: string, key: string): string | undefined {
  const root = resolve(bucketDir);
  const path = resolve(root, key);
  return path.startsWith(root + sep) ? path : undefined;
}

/**
 * The object's bytes: SDKs that add checksums send streaming bodies as `aws-chunked`
 * (`<hex size>[;chunk-signature=...]\r\n<bytes>\r\n ... 0\r\n<trailers>\r\n`), which S3 decodes before storing.
 */
async function requestBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const chunked =
    String(req.headers['content-encoding'] ?? '').includes('aws-chunked') ||
    String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  if (!chunked) return body;
  const parts: Buffer[] = [];
  for (let at = 0; ;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) throw new Error('Malformed aws-chunked body');
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1').split(';')[0], 16);
    if (Number.isNaN(size)) throw new Error('Malformed aws-chunked body');
    if (size === 0) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}
