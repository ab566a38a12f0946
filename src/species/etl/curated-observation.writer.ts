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
 * One statement per batch: the rows travel as one array per column (`unnest`), so the statement and its plan do not
 * depend on the batch size. New obis_ids are inserted; existing ones are updated only when something differs, so a
 * rerun of the same pages writes nothing. `xmax = 0` tells a freshly inserted row from an updated one.
 */
const UPSERT = `
  INSERT INTO curated_observations AS c (
    obis_id, species_name, common_name, aphia_id, observation_date, observation_datetime, location,
    location_name, basis_of_record, depth_min, depth_max, bathymetry, temperature, sex, dataset_name, source, raw)
  SELECT t.obis_id, t.species_name, t.common_name, t.aphia_id, t.observation_date, t.observation_datetime,
    ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326)::geography,
    t.location_name, t.basis_of_record, t.depth_min, t.depth_max, t.bathymetry, t.temperature, t.sex::species_sex,
    t.dataset_name, 'OBIS', t.raw::jsonb
  FROM unnest(
    $1::text[], $2::text[], $3::text[], $4::int[], $5::date[], $6::timestamptz[], $7::float8[], $8::float8[],
    $9::text[], $10::text[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::text[], $16::text[],
    $17::text[]
  ) AS t(obis_id, species_name, common_name, aphia_id, observation_date, observation_datetime, lng, lat,
    location_name, basis_of_record, depth_min, depth_max, bathymetry, temperature, sex, dataset_name, raw)
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
    const result = await manager.query<Array<{ inserted: boolean }>>(UPSERT, [
      unique.map((r) => r.obisId),
      unique.map((r) => r.speciesName),
      unique.map((r) => r.commonName),
      unique.map((r) => r.aphiaId),
      unique.map((r) => r.observationDate),
      unique.map((r) => r.observationDatetime),
      unique.map((r) => r.longitude),
      unique.map((r) => r.latitude),
      unique.map((r) => r.locationName),
      unique.map((r) => r.basisOfRecord),
      unique.map((r) => r.depthMin),
      unique.map((r) => r.depthMax),
      unique.map((r) => r.bathymetry),
      unique.map((r) => r.temperature),
      unique.map((r) => r.sex),
      unique.map((r) => r.datasetName),
      unique.map((r) => JSON.stringify(r.raw)),
    ]);
    const inserted = result.filter((r) => r.inserted).length;
    const updated = result.length - inserted;
    return { inserted, updated, unchanged: unique.length - result.length };
  }
}
