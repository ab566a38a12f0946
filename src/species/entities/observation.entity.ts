import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { GeoPoint } from './sex.js';
import { Sex } from './sex.js';

export enum ValidationStatus {
  PENDING = 'pending',
  VALIDATED = 'validated',
  REJECTED = 'rejected',
}

/** A user's own sighting. */
@Entity('observations')
export class Observation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ name: 'species_name', type: 'text' })
  speciesName: string;

  @Column({ name: 'common_name', type: 'text', nullable: true })
  commonName: string | null;

  @Column({ type: 'geography', spatialFeatureType: 'Point', srid: 4326 })
  location: GeoPoint;

  @Column({ name: 'observation_datetime', type: 'timestamptz' })
  observationDatetime: Date;

  @Column({ name: 'location_name', type: 'text' })
  locationName: string;

  @Column({ name: 'depth_min', type: 'double precision', nullable: true })
  depthMin: number | null;

  @Column({ name: 'depth_max', type: 'double precision', nullable: true })
  depthMax: number | null;

  @Column({ type: 'double precision', nullable: true })
  bathymetry: number | null;

  @Column({ type: 'double precision', nullable: true })
  temperature: number | null;

  @Column({ type: 'double precision', nullable: true })
  visibility: number | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Column({ type: 'enum', enum: Sex, enumName: 'species_sex', nullable: true })
  sex: Sex | null;

  /** File name inside SPECIES_UPLOAD_DIR. */
  @Column({ name: 'image_path', type: 'text', nullable: true })
  imagePath: string | null;

  @Column({ name: 'image_type', type: 'text', nullable: true })
  imageType: string | null;

  @Column({
    type: 'enum',
    enum: ValidationStatus,
    enumName: 'observation_validation',
    default: ValidationStatus.PENDING,
  })
  validated: ValidationStatus;

  @Column({ type: 'text', default: 'user' })
  source: string;

  /** Lineage of a bulk-created sighting: the creator's key of its input (e.g. a Jobs staging row), unique. */
  @Column({ name: 'source_ref', type: 'text', nullable: true, select: false })
  sourceRef: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
