import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type EtlMode = 'incremental' | 'full';
export type EtlTrigger = 'api' | 'cli' | 'cron';

export enum EtlRunStatus {
  QUEUED = 'queued',
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}

/** What an ETL run asks OBIS for; fixed when the run is created so a resume asks for the same pages. */
export interface EtlParameters {
  startDate?: string;
  endDate?: string;
  taxonId?: string;
  scientificName?: string;
  geometry?: string;
  /** Stop after this many pages in total (full mode). */
  pages?: number;
  size: number;
}

/** One OBIS load: its parameters, progress counters and the cursor it can resume from. */
@Entity('etl_runs')
export class EtlRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  mode: EtlMode;

  @Column({ type: 'jsonb' })
  parameters: EtlParameters;

  @Column({ type: 'enum', enum: EtlRunStatus, enumName: 'etl_run_status', default: EtlRunStatus.QUEUED })
  status: EtlRunStatus;

  @Column({ type: 'text' })
  trigger: EtlTrigger;

  @Column({ type: 'integer', default: 0 })
  pages: number;

  @Column({ type: 'integer', default: 0 })
  fetched: number;

  @Column({ type: 'integer', default: 0 })
  inserted: number;

  @Column({ type: 'integer', default: 0 })
  updated: number;

  @Column({ type: 'integer', default: 0 })
  skipped: number;

  @Column({ type: 'integer', default: 0 })
  errors: number;

  /** Curated records a completed full run removed because OBIS no longer returns them for its query. */
  @Column({ type: 'integer', default: 0 })
  removed: number;

  /** `id` of the last record stored: the `after` of the next page. */
  @Column({ type: 'text', nullable: true })
  cursor: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
