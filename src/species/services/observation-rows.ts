import type { ClientBase } from 'pg';
import {
  OBSERVATION_MAX_LENGTHS,
  OBSERVATION_RANGES,
  OBSERVATION_SEXES,
  type ObservationRange,
} from '../rules/observation-limits.js';

/**
 * Observations created set-wise from rows another module holds in PostgreSQL (the Jobs bulk loader's staging),
 * with one INSERT ... SELECT instead of one validated object per row. The rules are those of
 * `POST /api/v1/observations` (`rules/observation-limits.ts`), written as SQL over text: a row breaking one is not
 * inserted but reported with the reasons, as `createMany` reports a rejected input.
 */

/**
 * A SELECT (with its parameters) returning one row per observation, every column text (NULL when empty):
 * `source_ref` (the lineage key, unique in Species: a row whose ref is stored already is not created again),
 * `species_name`, `common_name`, `latitude`, `longitude`, `observation_datetime` (ISO 8601 date or date-time,
 * UTC when no zone is given), `location_name`, `depth_min`, `depth_max`, `bathymetry`, `temperature`,
 * `visibility`, `notes`, `sex`.
 */
/** The columns of an `ObservationRowsQuery` besides `source_ref`, in the order of the CSV template. */
export const OBSERVATION_ROW_COLUMNS = [
  'species_name',
  'common_name',
  'latitude',
  'longitude',
  'observation_datetime',
  'location_name',
  'depth_min',
  'depth_max',
  'bathymetry',
  'temperature',
  'visibility',
  'notes',
  'sex',
] as const;

export interface ObservationRowsQuery {
  sql: string;
  params: unknown[];
}

export interface CreateFromRowsResult {
  /** Observations inserted now. */
  created: number;
  /** Valid rows whose `source_ref` was stored already (an earlier, interrupted load). */
  existing: number;
  /** Rows breaking a rule, by `source_ref`, with the reasons (`field: problem; ...`). */
  refused: Array<{ sourceRef: string; reason: string }>;
}

/** Decimal text PostgreSQL's numeric reads without error (the exponent is bounded so it cannot overflow). */
const NUMBER = `'^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?$'`;
/**
 * Strict ISO 8601 calendar dates and date-times as `POST /observations` takes them (a year, a month, a day, or a
 * date-time, with or without a zone); the day of the month is checked apart. Week and ordinal dates, which the
 * API's Date cannot read either, are refused.
 */
const YEAR = `'^(?!0000)[0-9]{4}$'`;
const MONTH = `'^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])$'`;
const DATE_OR_DATE_TIME =
  `'^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]` +
  `(:[0-5][0-9](\\.[0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?)?$'`;
const ZONED = `'T.*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'`;

/** The numeric columns: the source's name, the entity's field, its range. */
const NUMERIC: Array<[column: string, field: string, range: ObservationRange, required: boolean]> = [
  ['latitude', 'latitude', OBSERVATION_RANGES.latitude, true],
  ['longitude', 'longitude', OBSERVATION_RANGES.longitude, true],
  ['depth_min', 'depthMin', OBSERVATION_RANGES.depthMin, false],
  ['depth_max', 'depthMax', OBSERVATION_RANGES.depthMax, false],
  ['bathymetry', 'bathymetry', OBSERVATION_RANGES.bathymetry, false],
  ['temperature', 'temperature', OBSERVATION_RANGES.temperature, false],
  ['visibility', 'visibility', OBSERVATION_RANGES.visibility, false],
];
const TEXT: Array<[column: string, field: string, max: number, required: boolean]> = [
  ['species_name', 'speciesName', OBSERVATION_MAX_LENGTHS.speciesName, true],
  ['common_name', 'commonName', OBSERVATION_MAX_LENGTHS.commonName, false],
  ['location_name', 'locationName', OBSERVATION_MAX_LENGTHS.locationName, true],
  ['notes', 'notes', OBSERVATION_MAX_LENGTHS.notes, false],
];

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** One text column, trimmed, as `columns()` stores it; then its problem (or NULL). */
function textProblem(column: string, field: string, max: number, required: boolean): string {
  const missing = required ? literal(`${field}: ${field} must be a non-empty string`) : 'NULL';
  return `CASE WHEN t.${column} IS NULL OR t.${column} = '' THEN ${missing}
    WHEN char_length(t.${column}) > ${max} THEN ${literal(`${field}: ${field} must be at most ${max} characters`)} END`;
}

function numberProblem(column: string, field: string, range: ObservationRange, required: boolean): string {
  const missing = required ? literal(`${field}: ${field} must be a number`) : 'NULL';
  return `CASE WHEN t.${column}_text IS NULL THEN ${missing}
    WHEN t.${column} IS NULL THEN ${literal(`${field}: ${field} must be a finite number`)}
    WHEN t.${column} < ${range.min} OR t.${column} > ${range.max}
      THEN ${literal(`${field}: ${field} must be between ${range.min} and ${range.max}${range.unit}`)} END`;
}

/**
 * The statement: the source typed (numbers through a regex before the cast, dates through a regex and a day of
 * month check, so no row can make the cast fail), each row's problems, the valid rows inserted, and the counts.
 */
function createFromRowsSql(source: string, ownerParam: number): string {
  const numbers = NUMERIC.map(
    ([c]) => `s.${c} AS ${c}_text, CASE WHEN s.${c} ~ ${NUMBER} THEN s.${c}::numeric END AS ${c}`,
  ).join(',\n      ');
  const texts = TEXT.map(([c]) => `btrim(s.${c}) AS ${c}`).join(', ');
  const problems = [
    ...TEXT.map(([c, f, max, required]) => textProblem(c, f, max, required)),
    ...NUMERIC.map(([c, f, range, required]) => numberProblem(c, f, range, required)),
    `CASE WHEN t.depth_min > t.depth_max THEN 'depthMin: depthMin must not be greater than depthMax' END`,
    `CASE WHEN t.observation_datetime IS NULL THEN 'observationDatetime: observationDatetime must be an ISO 8601 date-time' END`,
    `CASE WHEN t.sex IS NOT NULL AND lower(t.sex) NOT IN (${OBSERVATION_SEXES.map(literal).join(', ')})
      THEN ${literal(`sex: sex must be one of the following values: ${OBSERVATION_SEXES.join(', ')}`)} END`,
  ].join(',\n      ');
  return `
    WITH typed AS (
      SELECT s.source_ref, ${texts}, s.sex,
      ${numbers},
      CASE
        WHEN s.observation_datetime ~ ${YEAR} THEN (s.observation_datetime || '-01-01')::timestamp AT TIME ZONE 'UTC'
        WHEN s.observation_datetime ~ ${MONTH} THEN (s.observation_datetime || '-01')::timestamp AT TIME ZONE 'UTC'
        WHEN s.observation_datetime ~ ${DATE_OR_DATE_TIME} THEN
          CASE WHEN ${dayExists('s.observation_datetime')} THEN
            CASE WHEN s.observation_datetime ~ ${ZONED} THEN s.observation_datetime::timestamptz
                 ELSE s.observation_datetime::timestamp AT TIME ZONE 'UTC' END
          END
      END AS observation_datetime
      FROM (${source}) s
    ),
    judged AS (
      SELECT t.*, nullif(concat_ws('; ',
      ${problems}), '') AS problem
      FROM typed t
    ),
    inserted AS (
      INSERT INTO observations (owner_id, source_ref, species_name, common_name, location_name, location,
        observation_datetime, depth_min, depth_max, bathymetry, temperature, visibility, notes, sex)
      SELECT $${ownerParam}::uuid, source_ref, species_name, nullif(common_name, ''), location_name,
        ST_SetSRID(ST_MakePoint(longitude::float8, latitude::float8), 4326)::geography, observation_datetime,
        depth_min::float8, depth_max::float8, bathymetry::float8, temperature::float8, visibility::float8,
        nullif(notes, ''), lower(sex)::species_sex
      FROM judged WHERE problem IS NULL
      ON CONFLICT (source_ref) WHERE source_ref IS NOT NULL DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*)::int FROM inserted) AS created,
           (SELECT count(DISTINCT source_ref)::int FROM judged WHERE problem IS NULL) AS valid,
           (SELECT coalesce(json_agg(json_build_array(source_ref, problem)), '[]'::json)
              FROM (SELECT DISTINCT ON (source_ref) source_ref, problem FROM judged
                    WHERE problem IS NOT NULL ORDER BY source_ref) p) AS refused`;
}

/**
 * The day of month exists in that month (30 February does not). Only evaluated inside a CASE branch whose text
 * has the shape (CASE, unlike AND, fixes the order), so the casts here cannot fail.
 */
function dayExists(text: string): string {
  return `substr(${text}, 9, 2)::int <= extract(day from
    (substr(${text}, 1, 7) || '-01')::date + interval '1 month' - interval '1 day')`;
}

export async function createObservationsFromRows(
  client: ClientBase,
  ownerId: string,
  source: ObservationRowsQuery,
): Promise<CreateFromRowsResult> {
  const sql = createFromRowsSql(source.sql, source.params.length + 1);
  const { rows } = await client.query<{ created: number; valid: number; refused: Array<[string, string]> }>(
    sql,
    [...source.params, ownerId],
  );
  const { created, valid, refused } = rows[0];
  return {
    created,
    existing: valid - created,
    refused: refused.map(([sourceRef, reason]) => ({ sourceRef, reason })),
  };
}
