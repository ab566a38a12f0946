import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { GeoPoint } from './sex.js';
import { Sex } from './sex.js';

/** An OBIS occurrence as loaded by the ETL; written only by the batched upsert, keyed by `obis_id`. */
@Entity('curated_observations')
export class CuratedObservation {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'obis_id', type: 'text', unique: true })
  obisId: string;

  @Column({ name: 'species_name', type: 'text' })
  speciesName: string;

  @Column({ name: 'common_name', type: 'text', nullable: true })
  commonName: string | null;

  @Column({ name: 'aphia_id', type: 'integer', nullable: true })
  aphiaId: number | null;

  @Column({ name: 'observation_date', type: 'date', nullable: true })
  observationDate: string | null;

  @Column({ name: 'observation_datetime', type: 'timestamptz', nullable: true })
  observationDatetime: Date | null;

  @Column({ type: 'geography', spatialFeatureType: 'Point', srid: 4326 })
  location: GeoPoint;

  @Column({ name: 'location_name', type: 'text', nullable: true })
  locationName: string | null;

  @Column({ name: 'basis_of_record', type: 'text', nullable: true })
  basisOfRecord: string | null;

  @Column({ name: 'depth_min', type: 'double precision', nullable: true })
  depthMin: number | null;

  @Column({ name: 'depth_max', type: 'double precision', nullable: true })
  depthMax: number | null;

  @Column({ type: 'double precision', nullable: true })
  bathymetry: number | null;

  @Column({ type: 'double precision', nullable: true })
  temperature: number | null;

  @Column({ type: 'enum', enum: Sex, enumName: 'species_sex', nullable: true })
  sex: Sex | null;

  @Column({ name: 'dataset_name', type: 'text', nullable: true })
  datasetName: string | null;

  @Column({ type: 'text', default: 'OBIS' })
  source: string;

  @Column({ type: 'jsonb' })
  raw: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
