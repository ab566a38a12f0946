import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { MappedObservation } from './obis-mapper.js';

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

/**
 * One statement per batch: the rows travel as one JSON array (`json_to_recordset`), so the statement and its plan do
 * not depend on the batch size. New obis_ids are inserted; existing ones are updated only when something differs, so a
 * rerun of the same pages writes nothing. `xmax = 0` tells a freshly inserted row from an updated one.
 */
const UPSERT = `
  INSERT INTO curated_observations AS c (
    obis_id, species_name, common_name, aphia_id, observation_date, observation_datetime, location,
    location_name, basis_of_record, depth_min, depth_max, bathymetry, temperature, sex, dataset_name, source, raw)
  SELECT t.obis_id, t.species_name, t.common_name, t.aphia_id, t.observation_date, t.observation_datetime,
    ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326)::geography,
    t.location_name, t.basis_of_record, t.depth_min, t.depth_max, t.bathymetry, t.temperature, t.sex::species_sex,
    t.dataset_name, 'OBIS', t.raw
  FROM json_to_recordset($1::json) AS t(obis_id text, species_name text, common_name text, aphia_id int,
    observation_date date, observation_datetime timestamptz, lng float8, lat float8, location_name text,
    basis_of_record text, depth_min float8, depth_max float8, bathymetry float8, temperature float8, sex text,
    dataset_name text, raw jsonb)
  ON CONFLICT (obis_id) DO UPDATE SET
    ${COMPARED.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
    location = EXCLUDED.location,
    updated_at = now()
  WHERE (${COMPARED.map((c) => `c.${c}`).join(', ')}) IS DISTINCT FROM (${COMPARED.map((c) => `EXCLUDED.${c}`).join(', ')})
  RETURNING (xmax = 0) AS inserted`;

@Injectable()
export class CuratedObservationWriter {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Upserts one batch; duplicates of an obis_id inside the batch keep the last one. */
  async upsert(rows: MappedObservation[], manager: EntityManager = this.db.manager): Promise<UpsertCounts> {
    const unique = [...new Map(rows.map((r) => [r.obisId, r])).values()];
    if (unique.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    // One JSON document per batch: serialised natively, far cheaper than one escaped array literal per column.
    const batch = JSON.stringify(
      unique.map((r) => ({
        obis_id: r.obisId,
        species_name: r.speciesName,
        common_name: r.commonName,
        aphia_id: r.aphiaId,
        observation_date: r.observationDate,
        observation_datetime: r.observationDatetime,
        lng: r.longitude,
        lat: r.latitude,
        location_name: r.locationName,
        basis_of_record: r.basisOfRecord,
        depth_min: r.depthMin,
        depth_max: r.depthMax,
        bathymetry: r.bathymetry,
        temperature: r.temperature,
        sex: r.sex,
        dataset_name: r.datasetName,
        raw: r.raw,
      })),
    );
    const result = await manager.query<Array<{ inserted: boolean }>>(UPSERT, [batch]);
    const inserted = result.filter((r) => r.inserted).length;
    const updated = result.length - inserted;
    return { inserted, updated, unchanged: unique.length - result.length };
  }
}
