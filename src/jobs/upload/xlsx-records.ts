import ExcelJS from 'exceljs';
import type { Readable } from 'node:stream';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';
import type { RecordBatch } from './record-formats.js';

/** Rows handed on at a time (cells as text; the sheet's row numbers are the lines). */
const BATCH_ROWS = 1000;

/** The first bytes of every XLSX (a zip archive). */
export function isZip(head: Buffer): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/**
 * Streams the rows of one worksheet of an XLSX (the first, or the one named `sheet`) with exceljs' streaming
 * reader: the workbook is never loaded whole (the shared-strings table is, as Excel keeps every distinct text
 * there). Rows whose cells are all blank are skipped, as in CSV; the header is the first record. Used by the
 * upload's sniffer and by the worker, so both count the same records.
 */
export async function* xlsxRecords(input: Readable, sheet?: string): AsyncGenerator<RecordBatch> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    // The styles say which numbers are dates (Excel stores a date as a day count).
    styles: 'cache',
    entries: 'ignore',
  });
  let found = false;
  const names: string[] = [];
  for await (const worksheet of workbook) {
    const name = (worksheet as unknown as { name?: string }).name ?? '';
    names.push(name);
    if (found || (sheet !== undefined && name !== sheet)) continue;
    found = true;
    let batch: RecordBatch = { records: [], lines: [] };
    for await (const row of worksheet) {
      const values = (row.values as unknown[]).slice(1).map(cellText);
      if (values.every((v) => v.trim() === '')) continue;
      batch.records.push(values);
      batch.lines.push(row.number);
      if (batch.records.length >= BATCH_ROWS) {
        yield batch;
        batch = { records: [], lines: [] };
      }
    }
    if (batch.records.length > 0) yield batch;
  }
  if (!found) {
    throw new JobsError(
      JobsErrorCode.MALFORMED_XLSX,
      sheet === undefined
        ? 'The workbook has no worksheet'
        : `The workbook has no sheet '${sheet}'; its sheets: ${names.join(', ')}`,
    );
  }
}

/** The header and the number of records of a spooled XLSX (the upload's sniffing of a workbook). */
export async function sniffXlsx(
  input: Readable,
  sheet?: string,
): Promise<{ header: string[] | undefined; records: number }> {
  let header: string[] | undefined;
  let records = 0;
  try {
    for await (const batch of xlsxRecords(input, sheet)) {
      header ??= batch.records[0];
      records += batch.records.length;
    }
  } catch (e) {
    if (e instanceof JobsError) throw e;
    throw new JobsError(
      JobsErrorCode.MALFORMED_XLSX,
      `The file is not a readable XLSX workbook: ${(e as Error).message}`,
    );
  }
  return { header, records };
}

/** A cell as text: numbers and booleans as written, dates in ISO 8601, formulas by their result, rich text joined. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const cell = value as {
      result?: unknown;
      text?: unknown;
      richText?: Array<{ text: string }>;
      error?: string;
    };
    if (cell.richText) return cell.richText.map((r) => r.text).join('');
    if ('result' in cell) return cellText(cell.result);
    if (typeof cell.text === 'string') return cell.text;
    if (cell.error) return '';
  }
  return String(value);
}
