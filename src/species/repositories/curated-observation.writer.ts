import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, EntityManager } from 'typeorm';
import type { MappedObservation } from '../etl/obis-mapper.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Every mapped column but `location`, which is a function of `raw` (its coordinates), so comparing raw covers it. */
const COMPARED = [
  'species_name',
  'common_name',
  'aphia_id',
  'observation_date',
  'observation_datetime',
  'location_name',
  'basis_of_record',
  'depth_min',
  'depth_max',
  'bathymetry',
  'temperature',
  'sex',
  'dataset_name',
  'raw',
];

const STAGE = 'curated_observations_stage';

/**
 * A session's own staging table: temporary (no WAL, invisible to other sessions) and emptied at every commit, so a
 * pooled connection never carries rows from one batch or transaction into another.
 */
const CREATE_STAGE = `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (
    obis_id text, species_name text, common_name text, aphia_id int, observation_date date,
    observation_datetime timestamptz, lng float8, lat float8, location_name text, basis_of_record text,
    depth_min float8, depth_max float8, bathymetry float8, temperature float8, sex species_sex, dataset_name text,
    raw jsonb
  ) ON COMMIT DELETE ROWS`;

/**
 * New obis_ids are inserted; existing ones are updated only when something differs, so a rerun of the same pages
 * writes nothing. `xmax = 0` tells a freshly inserted row from an updated one; the counts are summed in the database
 * rather than returning a row per written observation.
 */
const UPSERT = `
  WITH written AS (
    INSERT INTO curated_observations AS c (
      obis_id, species_name, common_name, aphia_id, observation_date, observation_datetime, location,
      location_name, basis_of_record, depth_min, depth_max, bathymetry, temperature, sex, dataset_name, source, raw)
    SELECT t.obis_id, t.species_name, t.common_name, t.aphia_id, t.observation_date, t.observation_datetime,
      ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326)::geography,
      t.location_name, t.basis_of_record, t.depth_min, t.depth_max, t.bathymetry, t.temperature, t.sex,
      t.dataset_name, 'OBIS', t.raw
    FROM ${STAGE} t
    ON CONFLICT (obis_id) DO UPDATE SET
      ${COMPARED.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
      location = EXCLUDED.location,
      updated_at = now()
    WHERE (${COMPARED.map((c) => `c.${c}`).join(', ')}) IS DISTINCT FROM (${COMPARED.map((c) => `EXCLUDED.${c}`).join(', ')})
    RETURNING (xmax = 0) AS inserted)
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*)::int AS written FROM written`;

/** A value in COPY's text format: `\N` for null; backslash, tab and line breaks escaped. */
function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(
        /[\\\t\n\r]/g,
        (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string,
      )
    : value;
}

/** One line of the staging COPY, columns in the order of `CREATE_STAGE`. */
function copyLine(r: MappedObservation): string {
  return `${[
    r.obisId,
    r.speciesName,
    r.commonName,
    r.aphiaId,
    r.observationDate,
    r.observationDatetime,
    r.longitude,
    r.latitude,
    r.locationName,
    r.basisOfRecord,
    r.depthMin,
    r.depthMax,
    r.bathymetry,
    r.temperature,
    r.sex,
    r.datasetName,
    JSON.stringify(r.raw),
  ]
    .map(copyValue)
    .join('\t')}\n`;
}

/**
 * Batched upsert of curated observations: a batch is COPied into the session's temporary staging table, then merged
 * by one INSERT ... ON CONFLICT. COPY parses each value once (the raw record straight into jsonb) and writes no WAL
 * for the staged rows, about a third less database CPU per row than sending the batch as one JSON document.
 */
@Injectable()
export class CuratedObservationWriter {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Upserts one batch; duplicates of an obis_id inside the batch keep the last one. Runs in the caller's transaction
   * when given one (the staging table is emptied at commit), else in its own.
   */
  async upsert(rows: MappedObservation[], manager?: EntityManager): Promise<UpsertCounts> {
    const unique = [...new Map(rows.map((r) => [r.obisId, r])).values()];
    if (unique.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    if (!manager?.queryRunner?.isTransactionActive)
      return this.db.transaction((tx) => this.upsert(unique, tx));
    const client = (await manager.queryRunner.connect()) as PoolClient;
    await client.query(CREATE_STAGE);
    await pipeline(
      Readable.from([unique.map(copyLine).join('')]),
      client.query(copyFrom(`COPY ${STAGE} FROM STDIN`)),
    );
    const {
      rows: [counts],
    } = await client.query<{ inserted: number; written: number }>(UPSERT);
    // Several batches may share one transaction.
    await client.query(`TRUNCATE ${STAGE}`);
    return {
      inserted: counts.inserted,
      updated: counts.written - counts.inserted,
      unchanged: unique.length - counts.written,
    };
  }
}
