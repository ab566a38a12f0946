import type { ClientBase } from 'pg';
import type { RowProblem } from '../entities/staging-row.entity.js';

/**
 * A kind of ingestion job: what a file of that kind looks like, how its rows are validated and where they load.
 * One kind is one file in `kinds/`, listed in `kinds/registry.ts`; the framework (upload, staging, issues, review,
 * loading, restart) is the same for every kind.
 *
 * Adding a kind (e.g. `sensor_readings` loading through the Sensors module):
 * 1. `kinds/sensor-readings.kind.ts`: an `@Injectable()` class implementing `JobKind`, with a static `kindName`
 *    (its `name`, listed in the OpenAPI enum); inject the other module's exported service if the loader needs it,
 *    and import that module in `jobs.module.ts` (a module the CLI can load too: no consumer, no worker);
 * 2. add the class to `JOB_KIND_CLASSES` in `kinds/registry.ts`.
 * Nothing else changes: the upload accepts `kind=sensor_readings`, the worker stages and checks its rows, review
 * works on its issues, and `load` is called once the job has no open issue.
 *
 * How the framework uses a kind, in order:
 * - upload: the header must hold every `required` column (matched through `aliases`), else 400 MISSING_COLUMNS;
 * - staging: each data row becomes `{column name: trimmed value | null}` (`RowValues`), is checked by
 *   `validateRow` (pure, no I/O: it runs for every row of the file) and is written to `staging.data` with COPY;
 * - checks: each `setChecks` query runs over the job's staged rows (duplicates within the file, rows that exist in
 *   the target already); its findings become issues. The queries run again after every review change, so an issue
 *   that no longer applies closes itself (resolution CORRECTED);
 * - review: issues whose type is in `acceptableIssues` may be resolved as they are (with a comment); the others
 *   need a correction of the row (`PUT /staging/{id}`, which reruns `validateRow` and the set checks) or a discard;
 * - load: with no open issue left, `load` runs once, inside the transaction that marks the job COMPLETED, in the
 *   worker (a review that closes the last issue queues a new run of the job for it).
 */
export interface JobKind {
  /** The `kind` of an upload, e.g. `contacts`. */
  readonly name: string;
  readonly description: string;
  readonly columns: readonly KindColumn[];
  /** Issue types a reviewer may accept without correcting the row. */
  readonly acceptableIssues: readonly string[];
  /** Every issue type this kind can raise, for the documentation and the API's filters. */
  readonly issueTypes: readonly string[];

  /** Row-level problems of one row. Pure and fast: called for every row while staging. */
  validateRow(row: RowValues): RowProblem[];

  /** Checks across rows or against the target, run in SQL over the whole job (set-based, never row by row). */
  readonly setChecks: readonly SetCheck[];

  /**
   * Loads every READY row of the job (`staging.job_id = jobId AND status = 'READY'`) into the target and marks
   * those rows SUCCESS, with set-based SQL on `tx` (already inside the transaction that completes the job, so a
   * crash loads either everything or nothing). Records `staging.row_hash` on the target rows when the target has
   * a place for lineage. Returns how many target rows were written.
   *
   * A loader that writes through another module's exported service (Sensors, Species) cannot join `tx` unless
   * that service accepts it; it must then be idempotent on its own: read the READY rows from `tx` in chunks, have
   * the service upsert them keyed by (job id, `row_hash`) or a natural key, and mark them SUCCESS on `tx`, so a
   * crash between the two leads to a harmless repeat rather than duplicates.
   */
  load(tx: ClientBase, jobId: string): Promise<number>;
}

export interface KindColumn {
  /** Canonical name: the key in `staging.data` and in corrections. */
  readonly name: string;
  /** Other header spellings; matching ignores case, spaces, dashes, dots and underscores. */
  readonly aliases: readonly string[];
  readonly required: boolean;
  readonly description: string;
}

/** One staged row: canonical column name to its trimmed value, null when empty or absent. */
export type RowValues = Record<string, string | null>;

/**
 * A set-based check. `sql` is a SELECT with `$1` = the job id, over `staging` rows of that job whose status is
 * READY or ISSUE, returning one row per finding with the columns `staging_id`, `row_number`, `field`, `message`,
 * `value` (text or null).
 */
export interface SetCheck {
  readonly type: string;
  readonly sql: string;
}

/** Header spelling to compare with `KindColumn.name` and `aliases`. */
export function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

/**
 * For each kind column, the index of its header cell (or -1), the required columns the header lacks and the header
 * cells no column uses. `mapping` (the upload's `columns`: kind column -> header cell) takes precedence over the
 * names and aliases; a mapped cell the header lacks is missing.
 */
export function mapHeader(
  kind: Pick<JobKind, 'columns'>,
  header: readonly string[],
  mapping: Readonly<Record<string, string>> = {},
): { indexes: Map<string, number>; missing: string[]; ignored: string[] } {
  const byKey = new Map<string, number>();
  header.forEach((cell, i) => {
    const key = headerKey(cell);
    if (key && !byKey.has(key)) byKey.set(key, i);
  });
  const indexes = new Map<string, number>();
  const used = new Set<number>();
  for (const column of kind.columns) {
    const names = column.name in mapping ? [mapping[column.name]] : [column.name, ...column.aliases];
    const index = names.map((name) => byKey.get(headerKey(name))).find((i) => i !== undefined);
    indexes.set(column.name, index ?? -1);
    if (index !== undefined) used.add(index);
  }
  const missing = kind.columns
    .filter((c) => (c.required || c.name in mapping) && indexes.get(c.name) === -1)
    .map((c) => c.name);
  const ignored = header.filter((cell, i) => !used.has(i) && cell.trim() !== '');
  return { indexes, missing, ignored };
}

/** The problems of every required column left empty. */
export function missingRequired(kind: Pick<JobKind, 'columns'>, row: RowValues): RowProblem[] {
  return kind.columns
    .filter((c) => c.required && row[c.name] === null)
    .map((c) => ({
      type: 'MISSING_REQUIRED_FIELD',
      field: c.name,
      message: `${c.name} is required`,
      value: null,
    }));
}
