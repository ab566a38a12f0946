import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { jobsConfig, type JobsConfig } from '../jobs.config.js';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';
import { CsvFacts, CsvSniffer, SniffHints, workbookFacts } from '../upload/csv-sniffer.js';
import { isZip, sniffXlsx } from '../upload/xlsx-records.js';

/** How the stored bytes are compressed. */
export type Compression = 'gzip' | null;

/** An upload spooled to a local temporary file, with what was learnt about it on the way. */
export interface ReceivedFile {
  /** Temporary file; whoever receives it removes it (`CsvIntake.discard`). */
  path: string;
  filename: string;
  size: number;
  sha256: string;
  compression: Compression;
  /**
   * The file's facts, or the 4xx error that describes why it is not an acceptable file. With hints that differ
   * from what was guessed (a delimiter), the spooled file is read again under them.
   */
  facts: (hints?: SniffHints) => Promise<CsvFacts>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Receives an upload stream (HTTP multipart part or a local file for the CLI) into a temporary file, hashing it
 * and sniffing it as it passes: the file is never held in memory. A gzip upload (recognised by its magic bytes) is
 * stored as it came and sniffed decompressed; JOBS_MAX_UPLOAD_MB bounds the decompressed size too. An XLSX (a zip
 * archive) is stored as it came and read with the worker's streaming reader once spooled.
 */
@Injectable()
export class CsvIntake {
  constructor(@Inject(jobsConfig.KEY) private readonly config: JobsConfig) {}

  async receive(source: Readable, filename: string): Promise<ReceivedFile> {
    await mkdir(this.config.tmpDir, { recursive: true });
    const path = join(this.config.tmpDir, `terrawatch-upload-${randomUUID()}`);
    const hash = createHash('sha256');
    let size = 0;
    let compression: Compression | undefined;
    let workbook: boolean | undefined;
    const sniffed = this.sniffing();
    const inspect = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        hash.update(chunk);
        compression ??= chunk[0] === GZIP_MAGIC[0] && chunk[1] === GZIP_MAGIC[1] ? 'gzip' : null;
        // An XLSX is a zip archive: it is read once spooled (`facts`), not as text.
        workbook ??= isZip(chunk);
        if (workbook) return done(null, chunk);
        sniffed.write(chunk, compression).then(() => done(null, chunk), done);
      },
      flush(done) {
        sniffed.end().then(() => done(), done);
      },
    });
    try {
      await pipeline(source, inspect, createWriteStream(path));
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
    const guessed = sniffed.result;
    const received: ReceivedFile = {
      path,
      filename,
      size,
      sha256: hash.digest('hex'),
      compression: compression ?? null,
      facts: async (hints = {}) => {
        if (workbook) {
          const { header, records } = await sniffXlsx(createReadStream(path), hints.sheet);
          return workbookFacts(header, records);
        }
        const facts = guessed();
        if (!hints.delimiter || facts.format !== 'csv' || hints.delimiter === facts.delimiter) return facts;
        return this.sniffFile(received, hints);
      },
    };
    return received;
  }

  async discard(file: Pick<ReceivedFile, 'path'>): Promise<void> {
    await rm(file.path, { force: true });
  }

  /** Reads a spooled file again through a sniffer told `hints`. */
  private async sniffFile(file: ReceivedFile, hints: SniffHints): Promise<CsvFacts> {
    const sniffed = this.sniffing(hints);
    await pipeline(
      createReadStream(file.path),
      new Writable({
        write: (chunk: Buffer, _enc, done) =>
          void sniffed.write(chunk, file.compression).then(() => done(), done),
        final: (done) => void sniffed.end().then(() => done(), done),
      }),
    );
    return sniffed.result();
  }

  /**
   * A sniffer fed the stored bytes, decompressing them first when they are gzip. Errors are kept for `result`
   * rather than thrown: the request body must be consumed before the 4xx goes out.
   */
  private sniffing(hints?: SniffHints) {
    const sniffer = new CsvSniffer(hints);
    const limit = this.config.maxUploadBytes;
    let error: unknown;
    let inflated = 0;
    let gunzip: ReturnType<typeof createGunzip> | undefined;
    let gunzipDone: Promise<void> | undefined;
    const sniff = (chunk: Buffer) => {
      if (error) return;
      try {
        sniffer.push(chunk);
      } catch (e) {
        error = e;
      }
    };
    return {
      write: async (chunk: Buffer, compression: Compression): Promise<void> => {
        if (compression !== 'gzip') return sniff(chunk);
        if (!gunzip) {
          const inflate = createGunzip();
          gunzip = inflate;
          inflate.on('data', (c: Buffer) => {
            inflated += c.length;
            if (inflated > limit && !error) {
              error = new JobsError(
                JobsErrorCode.FILE_TOO_LARGE,
                `The file is larger than ${this.config.maxUploadMb} MB once decompressed (JOBS_MAX_UPLOAD_MB)`,
              );
            }
            sniff(c);
          });
          gunzipDone = new Promise<void>((resolve) => {
            inflate.once('end', resolve);
            inflate.once('error', (e) => {
              error ??= new JobsError(
                JobsErrorCode.MALFORMED_CSV,
                `The file is not valid gzip: ${e.message}`,
              );
              resolve();
            });
          });
        }
        if (error) return;
        if (!gunzip.write(chunk)) {
          await new Promise<void>((resolve) => {
            gunzip?.once('drain', resolve);
            gunzip?.once('error', () => resolve());
          });
        }
      },
      end: async (): Promise<void> => {
        if (!gunzip) return;
        gunzip.end();
        await gunzipDone;
      },
      result: (): CsvFacts => {
        if (error) throw error;
        return sniffer.facts();
      },
    };
  }
}
