import chardet from 'chardet';
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';
import { CsvFormatError, type Delimiter } from './csv-records.js';
import { detectFormat, FormatChoice, RecordFormat, RecordReader, recordReader } from './record-formats.js';

const SAMPLE_BYTES = 64 * 1024;
/** Encodings chardet may name for Latin-1 text; all are decoded as windows-1252, Latin-1's superset. */
const LATIN = /^(ISO-8859-\d+|windows-125\d)$/i;

/** What an upload turned out to be, once every byte has gone through the sniffer. */
export interface CsvFacts {
  format: RecordFormat;
  encoding: 'utf-8' | 'windows-1252';
  delimiter: Delimiter;
  header: string[];
  /** Data rows after the header (blank records not counted). */
  dataRows: number;
}

/** What the uploader said about the file, over what the sniffer would guess. */
export interface SniffHints {
  delimiter?: Delimiter;
  /** XLSX: the worksheet to read (default the first). */
  sheet?: string;
}

/** The facts of a workbook from its header and record count (header included), or the 4xx it deserves. */
export function workbookFacts(header: string[] | undefined, records: number): CsvFacts {
  if (!header || records === 0)
    throw new JobsError(JobsErrorCode.EMPTY_FILE, 'The worksheet has no header and no data');
  if (records === 1)
    throw new JobsError(JobsErrorCode.NO_DATA_ROWS, 'The worksheet has a header but no data rows');
  return {
    format: 'xlsx',
    encoding: 'utf-8',
    delimiter: ',',
    header: header.map((c) => c.trim()),
    dataRows: records - 1,
  };
}

/**
 * Looks at an upload as it streams past, in constant memory: chooses the format (CSV or JSON Lines) and the CSV
 * delimiter from the first 64 KiB, then counts records with the parser the worker uses (`recordReader`), keeps the
 * header, checks that the bytes are UTF-8 and watches for binary content. `facts()` then says what the file is, or
 * throws the 4xx the uploader should get.
 */
export class CsvSniffer {
  private size = 0;
  private sawNul = false;
  private controlBytes = 0;
  private firstBytes: Buffer = Buffer.alloc(0);
  private utf8 = true;
  /** The start of a multi-byte character cut by the end of the previous chunk. */
  private utf8Tail: Buffer = Buffer.alloc(0);
  private readonly sample: Buffer[] = [];
  private sampleBytes = 0;
  /** The first bytes, to read the header again in the encoding the whole file turns out to have. */
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private choice: FormatChoice | undefined;
  private reader: RecordReader | undefined;
  private header: string[] | undefined;
  private formatError: CsvFormatError | undefined;

  constructor(private readonly hints: SniffHints = {}) {}

  push(chunk: Buffer): void {
    if (this.size < 8)
      this.firstBytes = Buffer.concat([this.firstBytes, chunk.subarray(0, 8)]).subarray(0, 8);
    if (this.size < 8192) this.countControl(chunk.subarray(0, 8192 - this.size));
    this.size += chunk.length;
    if (!this.sawNul && chunk.indexOf(0) !== -1) this.sawNul = true;
    this.checkUtf8(chunk);
    this.keepSample(chunk);
    if (this.headBytes < SAMPLE_BYTES) {
      this.head.push(Buffer.from(chunk.subarray(0, SAMPLE_BYTES - this.headBytes)));
      this.headBytes += Math.min(chunk.length, SAMPLE_BYTES - this.headBytes);
    }
    this.parse(this.decoder.write(chunk), false);
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
      throw new JobsError(JobsErrorCode.BINARY_FILE, 'The file is binary, not a text file');
    }
    const encoding = this.encoding();
    this.parse(this.decoder.end(), true);
    if (this.formatError) {
      const unclosed = /Unclosed/.test(this.formatError.message);
      throw new JobsError(
        JobsErrorCode.MALFORMED_CSV,
        unclosed
          ? 'The file ends inside a quoted field (unbalanced quote)'
          : `The file is not valid CSV: ${this.formatError.message}`,
      );
    }
    const records = this.reader?.count ?? 0;
    if (records === 0 || !this.choice)
      throw new JobsError(JobsErrorCode.EMPTY_FILE, 'The file has no header and no data');
    const header = encoding === 'utf-8' ? this.header : this.headerIn(encoding);
    if (records === 1) {
      throw new JobsError(JobsErrorCode.NO_DATA_ROWS, 'The file has a header but no data rows');
    }
    return {
      format: this.choice.format,
      encoding,
      delimiter: this.choice.delimiter,
      header: (header ?? []).map((cell) => cell.trim()),
      dataRows: records - 1,
    };
  }

  /** Parses decoded text: the first 64 KiB wait until the format is chosen. */
  private parse(text: string, final: boolean): void {
    if (this.formatError) return;
    if (!this.reader) {
      this.pending += text;
      if (this.pending.length < SAMPLE_BYTES && !final) return;
      this.choice = detectFormat(this.pending, final);
      if (this.hints.delimiter && this.choice.format === 'csv') this.choice.delimiter = this.hints.delimiter;
      this.reader = recordReader(this.choice);
      text = this.pending;
      this.pending = '';
    }
    try {
      const records = this.reader.push(text);
      if (final) records.push(...this.reader.end());
      if (!this.header && records.length > 0) this.header = records[0];
      if (
        !this.header &&
        this.reader.count === 0 &&
        !final &&
        text.length > 0 &&
        this.size > SAMPLE_BYTES * 2
      )
        throw new JobsError(
          JobsErrorCode.MALFORMED_CSV,
          'The first record is longer than 128 KiB: not a header',
        );
    } catch (e) {
      if (!(e instanceof CsvFormatError)) throw e;
      this.formatError = e;
    }
  }

  /** The header read again from the first bytes, decoded as Latin-1. */
  private headerIn(encoding: 'windows-1252'): string[] | undefined {
    if (!this.choice) return undefined;
    const text = iconv.decode(Buffer.concat(this.head), encoding === 'windows-1252' ? 'win1252' : 'utf8');
    const reader = recordReader(this.choice);
    try {
      const records = reader.push(text);
      return (records.length > 0 ? records : reader.end())[0];
    } catch {
      return this.header;
    }
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
}
