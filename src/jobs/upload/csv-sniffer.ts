import chardet from 'chardet';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { isUtf8 } from 'node:buffer';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';

const QUOTE = 0x22;
const LF = 0x0a;
const MAX_HEADER_BYTES = 64 * 1024;
const SAMPLE_BYTES = 64 * 1024;
/** Encodings chardet may name for Latin-1 text; all are decoded as windows-1252, Latin-1's superset. */
const LATIN = /^(ISO-8859-\d+|windows-125\d)$/i;

/** What an upload turned out to be, once every byte has gone through the sniffer. */
export interface CsvFacts {
  encoding: 'utf-8' | 'windows-1252';
  header: string[];
  /** Data rows after the header (blank lines not counted). */
  dataRows: number;
}

/**
 * Looks at an upload as it streams past, in constant memory: counts CSV records (quote-aware, blank lines
 * skipped), keeps the header line, checks that the bytes are UTF-8 and watches for binary content. `facts()`
 * then says what the file is, or throws the 4xx the uploader should get.
 */
export class CsvSniffer {
  private records = 0;
  private inQuotes = false;
  private recordHasContent = false;
  private headerDone = false;
  private readonly headerChunks: Buffer[] = [];
  private headerBytes = 0;
  private size = 0;
  private sawNul = false;
  private controlBytes = 0;
  private firstBytes: Buffer = Buffer.alloc(0);
  private utf8 = true;
  /** The start of a multi-byte character cut by the end of the previous chunk. */
  private utf8Tail: Buffer = Buffer.alloc(0);
  private readonly sample: Buffer[] = [];
  private sampleBytes = 0;

  push(chunk: Buffer): void {
    if (this.size < 8)
      this.firstBytes = Buffer.concat([this.firstBytes, chunk.subarray(0, 8)]).subarray(0, 8);
    if (this.size < 8192) this.countControl(chunk.subarray(0, 8192 - this.size));
    this.size += chunk.length;
    if (!this.sawNul && chunk.indexOf(0) !== -1) this.sawNul = true;
    this.checkUtf8(chunk);
    this.keepSample(chunk);
    this.countRecords(chunk);
  }

  facts(): CsvFacts {
    if (this.size === 0) throw new JobsError(JobsErrorCode.EMPTY_FILE, 'The file is empty');
    const bom = this.firstBytes;
    if ((bom[0] === 0xff && bom[1] === 0xfe) || (bom[0] === 0xfe && bom[1] === 0xff)) {
      throw new JobsError(
        JobsErrorCode.UNSUPPORTED_ENCODING,
        'The file is UTF-16 or UTF-32; upload it as UTF-8 or Latin-1',
      );
    }
    if (this.sawNul || this.controlBytes > Math.min(this.size, 8192) * 0.05) {
      throw new JobsError(JobsErrorCode.BINARY_FILE, 'The file is binary, not a CSV text file');
    }
    const encoding = this.encoding();
    if (this.inQuotes) {
      throw new JobsError(
        JobsErrorCode.MALFORMED_CSV,
        'The file ends inside a quoted field (unbalanced quote)',
      );
    }
    const records = this.records + (this.recordHasContent ? 1 : 0);
    if (records === 0) throw new JobsError(JobsErrorCode.EMPTY_FILE, 'The file has no header and no data');
    const header = this.parseHeader(encoding);
    if (records === 1) {
      throw new JobsError(JobsErrorCode.NO_DATA_ROWS, 'The file has a header but no data rows');
    }
    return { encoding, header, dataRows: records - 1 };
  }

  private encoding(): CsvFacts['encoding'] {
    if (this.utf8 && this.utf8Tail.length === 0) return 'utf-8';
    const guess = chardet.detect(Buffer.concat(this.sample));
    if (guess && LATIN.test(guess)) return 'windows-1252';
    throw new JobsError(
      JobsErrorCode.UNSUPPORTED_ENCODING,
      `The file is neither UTF-8 nor Latin-1${guess ? ` (it looks like ${guess})` : ''}; re-save it as UTF-8`,
    );
  }

  private parseHeader(encoding: CsvFacts['encoding']): string[] {
    const bytes = Buffer.concat(this.headerChunks);
    const text = encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'win1252');
    try {
      const [header] = parse(text, {
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
      }) as string[][];
      return (header ?? []).map((cell) => cell.trim());
    } catch (e) {
      throw new JobsError(
        JobsErrorCode.MALFORMED_CSV,
        `The header line is not valid CSV: ${(e as Error).message}`,
      );
    }
  }

  private countControl(head: Buffer): void {
    for (const b of head) {
      if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) this.controlBytes++;
    }
  }

  /** Validates without decoding (no string per chunk): only a character cut by the chunk's end is carried. */
  private checkUtf8(chunk: Buffer): void {
    if (!this.utf8) return;
    const data = this.utf8Tail.length > 0 ? Buffer.concat([this.utf8Tail, chunk]) : chunk;
    let cut = data.length;
    for (let back = 1; back <= Math.min(3, data.length); back++) {
      const byte = data[data.length - back];
      if ((byte & 0xc0) === 0x80) continue;
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      if (length > back) cut = data.length - back;
      break;
    }
    if (isUtf8(data.subarray(0, cut))) {
      this.utf8Tail = Buffer.from(data.subarray(cut));
      return;
    }
    this.utf8 = false;
    // Give chardet the bytes that are not UTF-8, not just the (often ASCII) start of the file.
    this.sample.push(Buffer.from(chunk.subarray(0, SAMPLE_BYTES)));
    this.sampleBytes += Math.min(chunk.length, SAMPLE_BYTES);
  }

  private keepSample(chunk: Buffer): void {
    if (this.sampleBytes >= SAMPLE_BYTES) return;
    const part = chunk.subarray(0, SAMPLE_BYTES - this.sampleBytes);
    this.sample.push(Buffer.from(part));
    this.sampleBytes += part.length;
  }

  /** Records end at a line feed outside quotes; lines of only blanks, carriage returns or commas are not records. */
  private countRecords(chunk: Buffer): void {
    let inQuotes = this.inQuotes;
    let hasContent = this.recordHasContent;
    let headerEnd = -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === QUOTE) {
        inQuotes = !inQuotes;
        hasContent = true;
      } else if (b === LF) {
        if (!inQuotes && hasContent) {
          this.records++;
          hasContent = false;
          if (!this.headerDone && headerEnd === -1) headerEnd = i;
        }
      } else if (b !== 0x0d && b !== 0x20 && b !== 0x09 && b !== 0x2c) {
        hasContent = true;
      }
    }
    this.inQuotes = inQuotes;
    this.recordHasContent = hasContent;
    if (!this.headerDone) {
      const part = headerEnd === -1 ? chunk : chunk.subarray(0, headerEnd);
      if (this.headerBytes + part.length > MAX_HEADER_BYTES) {
        throw new JobsError(
          JobsErrorCode.MALFORMED_CSV,
          'The first line is longer than 64 KiB: not a CSV header',
        );
      }
      this.headerChunks.push(Buffer.from(part));
      this.headerBytes += part.length;
      if (headerEnd !== -1) this.headerDone = true;
    }
  }
}
