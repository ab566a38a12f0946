import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { METADATA_KEYS, StoreObject, StoreVersion, ZarrSource } from './zarr-source.js';

export interface S3SourceOptions {
  bucket: string;
  /** The store's root, e.g. `cloudcasting_forecast/latest.zarr`. */
  prefix: string;
  region: string;
  /** For S3-compatible stores (MinIO, Ceph, a local test server). */
  endpoint?: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** A Zarr store under a prefix of an S3 bucket. */
export class S3ZarrSource implements ZarrSource {
  readonly description: string;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3SourceOptions) {
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.description = `s3://${options.bucket}/${this.prefix}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: 2,
    });
  }

  async version(): Promise<StoreVersion | null> {
    for (const key of METADATA_KEYS) {
      try {
        const head = await this.client.send(
          new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
        );
        return { key, lastModified: head.LastModified ?? new Date(0) };
      } catch (e) {
        if (isNotFound(e)) continue;
        throw e;
      }
    }
    return null;
  }

  async list(): Promise<StoreObject[]> {
    const objects: StoreObject[] = [];
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: `${this.prefix}/`,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        objects.push({ key: object.Key.slice(this.prefix.length + 1), size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  async read(key: string): Promise<Uint8Array> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
    );
    if (!object.Body) throw new Error(`Empty body for ${key}`);
    return object.Body.transformToByteArray();
  }

  private key(relative: string): string {
    return `${this.prefix}/${relative}`;
  }
}

function isNotFound(e: unknown): boolean {
  const error = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata?.httpStatusCode === 404;
}
