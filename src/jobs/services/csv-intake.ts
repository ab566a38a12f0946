import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { jobsConfig, type JobsConfig } from '../jobs.config.js';
import { CsvFacts, CsvSniffer } from '../upload/csv-sniffer.js';

/** An upload spooled to a local temporary file, with what was learnt about it on the way. */
export interface ReceivedFile {
  /** Temporary file; whoever receives it removes it (`CsvIntake.discard`). */
  path: string;
  filename: string;
  size: number;
  sha256: string;
  /** The file's facts, or the 4xx error that describes why it is not an acceptable CSV. */
  facts: () => CsvFacts;
}

/**
 * Receives an upload stream (HTTP multipart part or a local file for the CLI) into a temporary file, hashing it
 * and sniffing it as it passes: the file is never held in memory.
 */
@Injectable()
export class CsvIntake {
  constructor(@Inject(jobsConfig.KEY) private readonly config: JobsConfig) {}

  async receive(source: Readable, filename: string): Promise<ReceivedFile> {
    await mkdir(this.config.tmpDir, { recursive: true });
    const path = join(this.config.tmpDir, `terrawatch-upload-${randomUUID()}`);
    const hash = createHash('sha256');
    const sniffer = new CsvSniffer();
    let size = 0;
    let sniffError: unknown;
    const inspect = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        hash.update(chunk);
        if (!sniffError) {
          try {
            sniffer.push(chunk);
          } catch (e) {
            // Keep reading: the request body must be consumed before the 4xx goes out.
            sniffError = e;
          }
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, inspect, createWriteStream(path));
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
    return {
      path,
      filename,
      size,
      sha256: hash.digest('hex'),
      facts: () => {
        if (sniffError) throw sniffError;
        return sniffer.facts();
      },
    };
  }

  async discard(file: Pick<ReceivedFile, 'path'>): Promise<void> {
    await rm(file.path, { force: true });
  }
}
