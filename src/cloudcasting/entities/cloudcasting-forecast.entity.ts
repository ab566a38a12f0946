import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** One processed (published) forecast: what it held, where it came from, how long it took. */
@Entity('cloudcasting_forecasts')
export class CloudcastingForecast {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'set_id', type: 'text', unique: true })
  setId: string;

  @Column({ name: 'init_time', type: 'timestamptz', nullable: true })
  initTime: Date | null;

  @Column({ name: 'source_last_modified', type: 'timestamptz' })
  sourceLastModified: Date;

  @Column({ type: 'text' })
  source: string;

  @Column({ name: 'platform_name', type: 'text', nullable: true })
  platformName: string | null;

  @Column({ type: 'double precision' })
  lon0: number;

  @Column({ type: 'text', array: true })
  channels: string[];

  @Column({ name: 'steps_minutes', type: 'int', array: true })
  stepsMinutes: number[];

  @Column({ name: 'layer_count', type: 'int' })
  layerCount: number;

  @Column({ type: 'int' })
  width: number;

  @Column({ type: 'int' })
  height: number;

  @Column({ type: 'double precision' })
  resolution: number;

  @Column({ type: 'double precision', array: true, comment: 'west, south, east, north' })
  bbox: number[];

  @Column({ name: 'download_bytes', type: 'bigint', transformer: bigintAsNumber })
  downloadBytes: number;

  @Column({ name: 'total_bytes', type: 'bigint', transformer: bigintAsNumber })
  totalBytes: number;

  @Column({ name: 'download_ms', type: 'int' })
  downloadMs: number;

  @Column({ name: 'convert_ms', type: 'int' })
  convertMs: number;

  @Column({ name: 'total_ms', type: 'int' })
  totalMs: number;

  @Column({ name: 'job_id', type: 'text', nullable: true })
  jobId: string | null;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
