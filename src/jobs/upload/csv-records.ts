const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The text is not valid CSV (RFC 4180); `record` is the 1-based record (header = 1) where parsing stopped. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly record: number,
  ) {
    super(`${message} (record ${record})`);
  }
}

/** The delimiters a file may use; `detectDelimiter` picks one of them. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/**
 * An incremental RFC 4180 parser for the ingestion hot path: text chunks in, records out. Quoted fields may hold
 * the delimiter, doubled quotes and line breaks; records end at LF, CRLF or CR; records whose fields are all blank
 * are skipped; a field that opens a quote must close it right before a delimiter or the end of the record. The one
 * parser of uploads: the sniffer counts the records the worker stages, with the same rules.
 *
 * `lines` holds, for each record the last `push` or `end` returned, the 1-based physical line where it starts
 * (a quoted field may span lines, and skipped blank lines count), for reports like pgloader's.
 *
 * Written for speed (the worker parses hundreds of thousands of rows per job and csv-parse was the bottleneck):
 * fields are sliced out of the chunk rather than built character by character, and only the unfinished last
 * record of a chunk is carried over to the next one.
 */
export class CsvRecords {
  private carry = '';
  private started = false;
  private records = 0;
  private readonly delimiter: number;
  /** The line the next record starts on. */
  private line = 1;
  lines: number[] = [];

  constructor(delimiter: Delimiter = ',') {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Records parsed so far (blank ones not counted). */
  get count(): number {
    return this.records;
  }

  /** The records completed by this chunk. */
  push(chunk: string): string[][] {
    let text = this.carry + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: string[][] = [];
    this.lines = [];
    const consumed = this.parse(text, false, out);
    this.carry = text.slice(consumed);
    return out;
  }

  /** The last record, when the text does not end with a line break. */
  end(): string[][] {
    const out: string[][] = [];
    this.lines = [];
    this.parse(this.carry, true, out);
    this.carry = '';
    return out;
  }

  /** Parses complete records into `out`; returns where the first incomplete record starts. */
  private parse(s: string, final: boolean, out: string[][]): number {
    const n = s.length;
    const delimiter = this.delimiter;
    let i = 0;
    let recordStart = 0;
    let record: string[] = [];
    /** Line breaks inside the quoted fields of the record being parsed. */
    let inner = 0;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (c === QUOTE) {
        let value = '';
        let segment = i + 1;
        let close: number;
        for (;;) {
          close = s.indexOf('"', segment);
          if (close === -1 || (close === n - 1 && !final)) {
            if (final) throw new CsvFormatError('Unclosed quoted field', this.records + 1);
            return recordStart;
          }
          if (s.charCodeAt(close + 1) === QUOTE) {
            value += s.slice(segment, close + 1);
            segment = close + 2;
            continue;
          }
          break;
        }
        const field = value + s.slice(segment, close);
        for (let nl = field.indexOf('\n'); nl !== -1; nl = field.indexOf('\n', nl + 1)) inner++;
        record.push(field);
        i = close + 1;
        c = i < n ? s.charCodeAt(i) : -1;
        if (c !== delimiter && c !== LF && c !== CR && c !== -1) {
          throw new CsvFormatError(
            'Invalid closing quote: a quoted field must end before a delimiter',
            this.records + 1,
          );
        }
      } else {
        let j = i;
        while (j < n) {
          c = s.charCodeAt(j);
          if (c === delimiter || c === LF || c === CR) break;
          if (c === QUOTE) {
            throw new CsvFormatError('Invalid quote inside an unquoted field', this.records + 1);
          }
          j++;
        }
        if (j === n) {
          if (!final) return recordStart;
          c = -1;
        }
        record.push(s.slice(i, j));
        i = j;
      }
      if (c === delimiter) {
        i++;
        // A delimiter right before a line break or the end leaves an empty last field.
        if (i === n) {
          if (!final) return recordStart;
          record.push('');
        } else {
          const next = s.charCodeAt(i);
          if (next === LF || next === CR) record.push('');
          else continue;
          c = next;
        }
      }
      if (c === CR) {
        // CRLF is one line break: wait for the next chunk to tell it from a lone CR.
        if (i + 1 === n && !final) return recordStart;
        if (s.charCodeAt(i + 1) === LF) i++;
      }
      if (c === LF || c === CR) i++;
      this.emit(record, out, inner);
      record = [];
      inner = 0;
      recordStart = i;
    }
    if (final && record.length > 0) this.emit(record, out, inner);
    return recordStart;
  }

  private emit(record: string[], out: string[][], inner: number): void {
    const line = this.line;
    this.line += 1 + inner;
    for (const value of record) {
      if (value.trim() !== '') {
        this.records++;
        out.push(record);
        this.lines.push(line);
        return;
      }
    }
  }
}
