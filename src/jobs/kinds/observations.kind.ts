import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import {
  inObservationRange,
  isDepthRangeInverted,
  isObservationDatetime,
  OBSERVATION_MAX_LENGTHS,
  OBSERVATION_RANGES,
  OBSERVATION_SEXES,
  ObservationsService,
  type ObservationRange,
} from '../../species/index.js';
import type { RowProblem } from '../entities/staging-row.entity.js';
import { JobKind, missingRequired, RowValues, SetCheck } from './job-kind.js';
import { loadInChunks, refuseRows } from './target-loader.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Observations handed to `createMany` per call. */
const LOAD_CHUNK = 1000;

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
   * Species' inserts cannot join `tx`: chunks go to `createMany` under their lineage keys and are marked SUCCESS
   * on `tx`; a repeat (after a crash, or an accepted duplicate row) finds its observation already there. Counts
   * the observations of this file in Species, whether created now or by an earlier attempt.
   */
  async load(tx: ClientBase, jobId: string): Promise<number> {
    const { rows } = await tx.query<{ owner_id: string }>(`SELECT owner_id FROM jobs WHERE id = $1`, [jobId]);
    const ownerId = rows[0].owner_id;
    return loadInChunks(tx, jobId, LOAD_CHUNK, async (chunk) => {
      // One input per distinct row: repeats share a lineage key, and createMany inserts a chunk in one go.
      const first = new Map<string, number>();
      chunk.forEach((r, i) => first.has(r.rowHash) || first.set(r.rowHash, i));
      const distinct = [...first.values()].map((i) => chunk[i]);
      const result = await this.observations.createMany(
        ownerId,
        distinct.map((r) => this.input(r.data)),
        distinct.map((r) => `jobs:${jobId}:${r.rowHash}`),
      );
      const refusedHashes = new Map(
        result.rejected.map((r) => [
          distinct[r.index].rowHash,
          r.problems.map((p) => `${p.field}: ${p.problems.join(', ')}`).join('; '),
        ]),
      );
      const refused = chunk
        .filter((r) => refusedHashes.has(r.rowHash))
        .map((r) => ({ stagingId: r.id, rowNumber: r.rowNumber, reason: refusedHashes.get(r.rowHash) }));
      await refuseRows(tx, jobId, refused);
      return result.ids.length + result.existing.length;
    });
  }

  /** A staged row as the body of `POST /api/v1/observations`. */
  private input(row: RowValues): Record<string, unknown> {
    const number = (field: string) => (row[field] === null ? undefined : Number(row[field]));
    const body: Record<string, unknown> = {
      speciesName: row.species_name,
      commonName: row.common_name ?? undefined,
      locationName: row.location_name,
      observationDatetime: row.observation_datetime,
      location: { type: 'Point', coordinates: [number('longitude'), number('latitude')] },
      depthMin: number('depth_min'),
      depthMax: number('depth_max'),
      bathymetry: number('bathymetry'),
      temperature: number('temperature'),
      visibility: number('visibility'),
      notes: row.notes ?? undefined,
      sex: row.sex?.toLowerCase(),
    };
    return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  }
}
