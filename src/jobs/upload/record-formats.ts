import { CsvRecords, DELIMITERS, type Delimiter } from './csv-records.js';

/** What an upload holds once decompressed. */
export type RecordFormat = 'csv' | 'jsonl' | 'xlsx';

/** Records read from a file at once, with the file line (or sheet row) each starts on. */
export interface RecordBatch {
  records: string[][];
  lines: number[];
  /** Why the record at an index could not be read (JSON Lines), if one could not. */
  invalid?: Map<number, string>;
}

/**
 * Turns text chunks into records (arrays of cells, the header first) for one format; `lines` are the 1-based file
 * lines where the records of the last call start. The upload's sniffer and the worker both read a file through
 * `recordReader`, so they count and cut records alike.
 */
export interface RecordReader {
  push(chunk: string): string[][];
  end(): string[][];
  readonly lines: number[];
  /** Records parsed so far, header included. */
  readonly count: number;
  /** Why the record at this index of the last call could not be read (JSON Lines), if it could not. */
  readonly invalid: Map<number, string>;
}

export interface FormatChoice {
  format: RecordFormat;
  delimiter: Delimiter;
  /** JSON Lines: the keys, in first-seen order, that make the header. */
  keys?: string[];
}

/** The reader of a text format (an XLSX is read by `xlsxRecords`). */
export function recordReader(choice: FormatChoice): RecordReader {
  if (choice.format === 'xlsx') throw new Error('recordReader: XLSX is not text; use xlsxRecords');
  if (choice.format === 'jsonl') return new JsonLinesRecords(choice.keys ?? []);
  const csv = new CsvRecords(choice.delimiter);
  return Object.assign(csv, { invalid: new Map<number, string>() });
}

/** How many records `detectFormat` reads from the start of a file to choose. */
const SAMPLE_RECORDS = 50;

/**
 * Chooses the format and, for CSV, the delimiter from the start of the text (about 64 KiB): JSON Lines when the
 * first character is `{`; otherwise the delimiter among `,` `;` tab `|` that splits the header into the most
 * columns while the sampled records keep that count (a `;`-separated Excel export has no comma outside its
 * numbers). `complete` says the sample is the whole file (its last record needs no line break).
 */
export function detectFormat(sample: string, complete: boolean): FormatChoice {
  const text = sample.replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('{')) return { format: 'jsonl', delimiter: ',', keys: jsonKeys(text) };
  let best: { delimiter: Delimiter; columns: number; consistent: number } | undefined;
  for (const delimiter of DELIMITERS) {
    const records = sampleRecords(text, delimiter, complete);
    if (!records || records.length === 0) continue;
    const columns = records[0].length;
    const consistent = records.filter((r) => r.length === columns).length / records.length;
    if (columns < 2 || consistent < 0.8) continue;
    if (!best || columns > best.columns) best = { delimiter, columns, consistent };
  }
  return { format: 'csv', delimiter: best?.delimiter ?? ',' };
}

function sampleRecords(text: string, delimiter: Delimiter, complete: boolean): string[][] | undefined {
  const parser = new CsvRecords(delimiter);
  try {
    const records = parser.push(text);
    if (complete) records.push(...parser.end());
    return records.slice(0, SAMPLE_RECORDS);
  } catch {
    return undefined;
  }
}

/** The keys of the sampled JSON objects, in first-seen order. */
function jsonKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const line of text.split('\n').slice(0, SAMPLE_RECORDS)) {
    const value = parseObject(line);
    if (typeof value === 'object') for (const key of Object.keys(value)) keys.add(key);
  }
  return [...keys];
}

function parseObject(line: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
    return 'the line is JSON but not an object';
  } catch (e) {
    return `the line is not JSON: ${(e as Error).message}`;
  }
}

/**
 * JSON Lines: one object per line, blank lines skipped. The header is the sampled keys; each object becomes the
 * record of its values under those keys (numbers and booleans as text, null and absent keys as empty, nested
 * values as JSON). A line that is not a JSON object becomes an empty record listed in `invalid` with the reason, so
 * the worker stages it as a rejected row instead of failing the file.
 */
class JsonLinesRecords implements RecordReader {
  private carry = '';
  private line = 1;
  private records = 0;
  private headerSent = false;
  lines: number[] = [];
  invalid = new Map<number, string>();

  constructor(private readonly keys: string[]) {}

  get count(): number {
    return this.records;
  }

  push(chunk: string): string[][] {
    const text = this.carry + chunk;
    const last = text.lastIndexOf('\n');
    this.carry = last === -1 ? text : text.slice(last + 1);
    return this.parse(last === -1 ? '' : text.slice(0, last), last !== -1);
  }

  end(): string[][] {
    const rest = this.carry;
    this.carry = '';
    return this.parse(rest, rest.length > 0);
  }

  private parse(text: string, any: boolean): string[][] {
    const out: string[][] = [];
    this.lines = [];
    this.invalid = new Map();
    if (!this.headerSent) {
      this.headerSent = true;
      out.push([...this.keys]);
      this.lines.push(0);
      this.records++;
    }
    if (!any) return out;
    for (const raw of text.split('\n')) {
      const line = this.line++;
      const content = raw.replace(/^\uFEFF/, '').trim();
      if (content === '') continue;
      const value = parseObject(content);
      if (typeof value === 'string') {
        this.invalid.set(out.length, value);
        out.push(this.keys.map(() => ''));
      } else {
        out.push(this.keys.map((k) => cell(value[k])));
      }
      this.lines.push(line);
      this.records++;
    }
    return out;
  }
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
