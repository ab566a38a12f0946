import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import {
  inObservationRange,
  isDepthRangeInverted,
  isObservationDatetime,
  OBSERVATION_MAX_LENGTHS,
  OBSERVATION_RANGES,
  OBSERVATION_ROW_COLUMNS,
  OBSERVATION_SEXES,
  ObservationsService,
  type ObservationRange,
} from '../../species/index.js';
import type { RowProblem } from '../entities/staging-row.entity.js';
import { JobKind, missingRequired, RowValues, SetCheck } from './job-kind.js';
import { refuseRows } from './target-loader.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The numeric columns and their ranges: Species' limits, under the file's column names. */
const RANGES: Record<string, ObservationRange> = {
  latitude: OBSERVATION_RANGES.latitude,
  longitude: OBSERVATION_RANGES.longitude,
  depth_min: OBSERVATION_RANGES.depthMin,
  depth_max: OBSERVATION_RANGES.depthMax,
  bathymetry: OBSERVATION_RANGES.bathymetry,
  temperature: OBSERVATION_RANGES.temperature,
  visibility: OBSERVATION_RANGES.visibility,
};
const MAX_CHARS: Record<string, number> = {
  species_name: OBSERVATION_MAX_LENGTHS.speciesName,
  common_name: OBSERVATION_MAX_LENGTHS.commonName,
  location_name: OBSERVATION_MAX_LENGTHS.locationName,
  notes: OBSERVATION_MAX_LENGTHS.notes,
};
/** The staged row's columns under the names Species' `createFromRows` reads. */
const OBSERVATION_FIELDS = OBSERVATION_ROW_COLUMNS.map((c) => `data->>'${c}' AS ${c}`).join(', ');
const span = (range: ObservationRange) => `${range.min} to ${range.max}`;

/** Exact repeats within the file (same values): such a row is loaded once. */
const DUPLICATE_OBSERVATION: SetCheck = {
  type: 'DUPLICATE_OBSERVATION',
  sql: `
    SELECT s.id AS staging_id, s.row_number, 'species_name' AS field,
           'The same observation appears on row ' || d.first_row AS message,
           s.data->>'species_name' AS value
    FROM staging s
    JOIN (
      SELECT row_hash, min(row_number) AS first_row FROM staging
      WHERE job_id = $1 AND status IN ('READY', 'ISSUE')
      GROUP BY 1 HAVING count(*) > 1
    ) d ON s.row_hash = d.row_hash
    WHERE s.job_id = $1 AND s.status IN ('READY', 'ISSUE') AND s.row_number > d.first_row`,
};

/**
 * `observations`: users' sightings, created in Species through `ObservationsService.createMany` (the same
 * validation as `POST /api/v1/observations`), owned by the job's owner. Each is created under the lineage key
 * `jobs:{job id}:{row hash}`, which Species keeps unique: a load repeated after a crash skips what exists. A
 * reviewer may accept an exact repeat within the file (it is loaded once); other issues need a correction or a
 * discard.
 */
@Injectable()
export class ObservationsKind implements JobKind {
  static readonly kindName = 'observations';
  readonly name = ObservationsKind.kindName;
  readonly description =
    'Species observations: species_name, latitude, longitude, observation_datetime, location_name and optional details (loaded into Species, owned by the uploader)';
  readonly columns = [
    {
      name: 'species_name',
      aliases: ['species', 'scientific_name', 'scientificname', 'taxon'],
      required: true,
      description: `Scientific name, at most ${MAX_CHARS.species_name} characters`,
    },
    {
      name: 'common_name',
      aliases: ['common', 'vernacular_name', 'vernacularname'],
      required: false,
      description: `At most ${MAX_CHARS.common_name} characters`,
    },
    {
      name: 'latitude',
      aliases: ['lat', 'decimal_latitude', 'decimallatitude'],
      required: true,
      description: `Decimal degrees, ${span(RANGES.latitude)}`,
    },
    {
      name: 'longitude',
      aliases: ['lon', 'lng', 'long', 'decimal_longitude', 'decimallongitude'],
      required: true,
      description: `Decimal degrees, ${span(RANGES.longitude)}`,
    },
    {
      name: 'observation_datetime',
      aliases: [
        'datetime',
        'date_time',
        'observed_at',
        'event_date',
        'eventdate',
        'observation_date',
        'date',
      ],
      required: true,
      description: 'ISO 8601 date or date-time',
    },
    {
      name: 'location_name',
      aliases: ['location', 'locality', 'site', 'place'],
      required: true,
      description: `At most ${MAX_CHARS.location_name} characters`,
    },
    {
      name: 'depth_min',
      aliases: ['min_depth', 'minimum_depth', 'minimumdepthinmeters'],
      required: false,
      description: `Metres, ${span(RANGES.depth_min)}, not above depth_max`,
    },
    {
      name: 'depth_max',
      aliases: ['max_depth', 'maximum_depth', 'maximumdepthinmeters'],
      required: false,
      description: `Metres, ${span(RANGES.depth_max)}`,
    },
    {
      name: 'bathymetry',
      aliases: ['sea_floor_depth', 'seafloor_depth'],
      required: false,
      description: `Sea-floor depth, metres, ${span(RANGES.bathymetry)}`,
    },
    {
      name: 'temperature',
      aliases: ['temp', 'water_temperature', 'sst'],
      required: false,
      description: `Water temperature, °C, ${span(RANGES.temperature)}`,
    },
    {
      name: 'visibility',
      aliases: ['vis'],
      required: false,
      description: `Metres, ${span(RANGES.visibility)}`,
    },
    {
      name: 'notes',
      aliases: ['note', 'comments', 'remarks'],
      required: false,
      description: `At most ${MAX_CHARS.notes} characters`,
    },
    { name: 'sex', aliases: ['gender'], required: false, description: OBSERVATION_SEXES.join(', ') },
  ] as const;
  readonly issueTypes = [
    'MALFORMED_RECORD',
    'MISSING_REQUIRED_FIELD',
    'INVALID_NUMBER',
    'OUT_OF_RANGE',
    'DEPTH_RANGE_INVERTED',
    'INVALID_DATE',
    'TOO_LONG',
    'INVALID_SEX',
    'DUPLICATE_OBSERVATION',
    'REFUSED_BY_TARGET',
  ];
  readonly acceptableIssues = ['DUPLICATE_OBSERVATION'];
  readonly setChecks = [DUPLICATE_OBSERVATION];

  constructor(private readonly observations: ObservationsService) {}

  validateRow(row: RowValues): RowProblem[] {
    const problems = missingRequired(this, row);
    const problem = (type: string, field: string, message: string) =>
      problems.push({ type, field, message: `${field} ${message}`, value: row[field] });
    const numbers: Record<string, number> = {};
    for (const [field, range] of Object.entries(RANGES)) {
      const text = row[field];
      if (text === null) continue;
      const n = Number(text);
      if (!NUMBER.test(text) || !Number.isFinite(n)) problem('INVALID_NUMBER', field, 'must be a number');
      else if (!inObservationRange(n, range))
        problem('OUT_OF_RANGE', field, `must be between ${range.min} and ${range.max}${range.unit}`);
      else numbers[field] = n;
    }
    if (isDepthRangeInverted(numbers.depth_min, numbers.depth_max))
      problem(
        'DEPTH_RANGE_INVERTED',
        'depth_min',
        `must not be greater than depth_max (${numbers.depth_max})`,
      );
    const when = row.observation_datetime;
    // Also one that Date reads, as Species stores it: a row the load would fail on is an issue here.
    if (when !== null && !(isObservationDatetime(when) && !Number.isNaN(Date.parse(when))))
      problem('INVALID_DATE', 'observation_datetime', 'must be an ISO 8601 date or date-time');
    for (const [field, max] of Object.entries(MAX_CHARS)) {
      const text = row[field];
      if (text !== null && text.length > max) problem('TOO_LONG', field, `must be at most ${max} characters`);
    }
    if (row.sex !== null && !OBSERVATION_SEXES.includes(row.sex.toLowerCase()))
      problem('INVALID_SEX', 'sex', `must be one of ${OBSERVATION_SEXES.join(', ')}`);
    return problems;
  }

  /**
   * One set-wise statement through Species (`createFromRows`) on `tx`, so the load is all or nothing with the
   * job's completion: the READY rows under their lineage keys `jobs:{job id}:{row hash}` (an accepted repeat
   * shares its key and is created once; a load repeated after a crash finds its observations there already).
   * Rows Species refuses are discarded with a REFUSED_BY_TARGET issue. Counts the distinct observations of this
   * file in Species, whether created now or by an earlier attempt.
   */
  async load(tx: ClientBase, jobId: string): Promise<number> {
    const { rows } = await tx.query<{ owner_id: string }>(`SELECT owner_id FROM jobs WHERE id = $1`, [jobId]);
    const result = await this.observations.createFromRows(tx, rows[0].owner_id, {
      sql: `SELECT 'jobs:' || job_id::text || ':' || row_hash AS source_ref, ${OBSERVATION_FIELDS}
            FROM staging WHERE job_id = $1 AND status = 'READY'`,
      params: [jobId],
    });
    if (result.refused.length > 0) {
      const reasons = new Map(
        result.refused.map((r) => [r.sourceRef.slice(`jobs:${jobId}:`.length), r.reason]),
      );
      const refused = await tx.query<{ id: string; row_number: number; row_hash: string }>(
        `SELECT id, row_number, row_hash FROM staging
         WHERE job_id = $1 AND status = 'READY' AND row_hash = ANY($2::text[])`,
        [jobId, [...reasons.keys()]],
      );
      await refuseRows(
        tx,
        jobId,
        refused.rows.map((r) => ({
          stagingId: r.id,
          rowNumber: r.row_number,
          reason: reasons.get(r.row_hash),
        })),
      );
    }
    await tx.query(`UPDATE staging SET status = 'SUCCESS' WHERE job_id = $1 AND status = 'READY'`, [jobId]);
    return result.created + result.existing;
  }
}
