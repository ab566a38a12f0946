import { parse, type Options } from 'csv-parse';
import { parse as parseWhole } from 'csv-parse/sync';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CsvRecords } from '../src/jobs/upload/csv-records.js';
import { table } from './lib.js';

/**
 * `npm run bench:csv`: the worker's own CSV parser (`CsvRecords`) against csv-parse on the same bytes, in process,
 * no database. BENCH_ROWS (default 500,000) contacts rows are generated once, in UTF-8, with accented names, commas
 * and doubled quotes inside quoted fields and now and then a line break inside a quoted note; they are cut into the
 * 64 KiB chunks a file stream gives the worker. Each parser turns the chunks into records, from bytes:
 *  - `CsvRecords`: the chunks decoded as the worker's `setEncoding('utf8')` does, then `push` / `end`;
 *  - csv-parse with the options the worker had before `CsvRecords` (bytes in, it decodes itself), reading the
 *    records with `data` events (the parser alone), and with `for await` (how the worker consumed it); and
 *    csv-parse/sync on the whole file at once, its best case without stream overhead (a worker cannot hold a
 *    50 MB upload and its records in memory, so only for scale).
 * BENCH_RUNS (default 5) interleaved rounds; prints the median rows/s of each and the median of the rounds' ratios.
 * Both must produce the same records (count and a checksum of every field), or the benchmark fails.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 500_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHUNK_BYTES = 64 * 1024;

/** The options of the worker's csv-parse stream before it had its own parser. */
const CSV_PARSE_OPTIONS: Options = {
  bom: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_empty_values: true,
};

const FIRST = [
  'José',
  'Zoë',
  'François',
  'Ørjan',
  'Inés',
  'Björn',
  'Anaïs',
  'Łukasz',
  'Maëlle',
  'Jürgen',
  'Ana',
];
const LAST = ['Müller', 'Núñez', "O'Brien", 'Søndergaard', 'García Márquez', 'Lefèvre', 'Åström', 'Smith'];
const COMPANY = ['Acme', 'Nordsjø Fisk', 'Café Crème', 'Brückenbau', 'Terra Nova', 'Øresund Data'];

/** Deterministic pseudo-random numbers (mulberry32), so every run parses the same file. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function quoted(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** A contacts CSV as uploaded: header, LF line ends, about one field in three quoted. */
function generateCsv(rows: number): Buffer {
  const random = rng(11);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const lines = ['email,first_name,last_name,company,phone,notes'];
  for (let i = 1; i <= rows; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const company =
      random() < 0.5
        ? quoted(`${pick(COMPANY)} ${i % 5000}, ${pick(['Ltd', 'GmbH', 'S.A.', 'AS'])}`)
        : random() < 0.2
          ? quoted(`The "${pick(COMPANY)}" Company`)
          : pick(COMPANY);
    const note =
      random() < 0.05
        ? quoted(`Met at the fair.\nCall back, ask for ${first}`)
        : random() < 0.3
          ? quoted(`Prefers email, not phone`)
          : '';
    const name = last.includes(' ') || last.includes("'") ? quoted(last) : last;
    lines.push(`contact.${i}@example.org,${first},${name},${company},+47 ${10_000_000 + i},${note}`);
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

function chunksOf(bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) chunks.push(bytes.subarray(at, at + CHUNK_BYTES));
  return chunks;
}

interface Parsed {
  records: number;
  /** Sum of the fields' lengths and their count: equal when both parsers read the same records. */
  checksum: number;
}

function tally(parsed: Parsed, record: string[]): void {
  parsed.records++;
  parsed.checksum += record.length;
  for (const field of record) parsed.checksum += field.length;
}

async function ours(chunks: Buffer[]): Promise<Parsed> {
  const parsed: Parsed = { records: 0, checksum: 0 };
  const decoder = new StringDecoder('utf8');
  const parser = new CsvRecords();
  for (const chunk of chunks) for (const record of parser.push(decoder.write(chunk))) tally(parsed, record);
  for (const record of parser.push(decoder.end())) tally(parsed, record);
  for (const record of parser.end()) tally(parsed, record);
  return parsed;
}

async function csvParseEvents(chunks: Buffer[]): Promise<Parsed> {
  const parsed: Parsed = { records: 0, checksum: 0 };
  const parser = parse(CSV_PARSE_OPTIONS);
  parser.on('data', (record: string[]) => tally(parsed, record));
  const ended = once(parser, 'end');
  Readable.from(chunks).pipe(parser);
  await ended;
  return parsed;
}

async function csvParseAsyncIteration(chunks: Buffer[]): Promise<Parsed> {
  const parsed: Parsed = { records: 0, checksum: 0 };
  const parser = Readable.from(chunks).pipe(parse(CSV_PARSE_OPTIONS));
  for await (const record of parser as AsyncIterable<string[]>) tally(parsed, record);
  return parsed;
}

async function csvParseWholeFile(chunks: Buffer[]): Promise<Parsed> {
  const parsed: Parsed = { records: 0, checksum: 0 };
  for (const record of parseWhole(Buffer.concat(chunks), CSV_PARSE_OPTIONS) as string[][])
    tally(parsed, record);
  return parsed;
}

const PARSERS = [
  { name: 'CsvRecords (ours)', run: ours },
  { name: 'csv-parse, data events', run: csvParseEvents },
  { name: 'csv-parse, for await (old worker)', run: csvParseAsyncIteration },
  { name: 'csv-parse/sync, whole file', run: csvParseWholeFile },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const bytes = generateCsv(ROWS);
  const chunks = chunksOf(bytes);
  console.log(
    `${ROWS} contacts rows, ${(bytes.length / 1024 / 1024).toFixed(1)} MB UTF-8 in ${chunks.length} chunks of ` +
      `64 KiB; ${RUNS} rounds after a warm-up; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );

  const expected = await ours(chunks);
  if (expected.records !== ROWS + 1) throw new Error(`CsvRecords read ${expected.records} records`);
  for (const parser of PARSERS) {
    const got = await parser.run(chunks);
    if (got.records !== expected.records || got.checksum !== expected.checksum)
      throw new Error(
        `${parser.name} read other records: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`,
      );
  }

  const seconds = PARSERS.map(() => [] as number[]);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, parser] of PARSERS.entries()) {
      const started = performance.now();
      await parser.run(chunks);
      seconds[i].push((performance.now() - started) / 1000);
    }
  }

  const oursSeconds = seconds[0];
  table(
    PARSERS.map((parser, i) => ({
      parser: parser.name,
      'median s': Number(median(seconds[i]).toFixed(3)),
      'rows/s': Math.round(ROWS / median(seconds[i])),
      'ours faster by (median of rounds)': Number(
        median(seconds[i].map((s, round) => s / oursSeconds[round])).toFixed(2),
      ),
    })),
  );
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
