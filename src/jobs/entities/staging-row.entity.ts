import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum StagingStatus {
  /** Valid, waiting to be loaded. */
  READY = 'READY',
  /** Loaded into the kind's target. */
  SUCCESS = 'SUCCESS',
  /** Dropped by a reviewer. */
  DISCARD = 'DISCARD',
  /** Has at least one open issue. */
  ISSUE = 'ISSUE',
}

/** A row-level problem found while staging, kept on the row until it becomes a `job_issues` row. */
export interface RowProblem {
  type: string;
  field: string;
  message: string;
  value: string | null;
}

/** One data row of an uploaded file, keyed by (job, row number). Written with COPY; read by review. */
@Entity('staging')
export class StagingRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  /** 1 = the first data row after the header. */
  @Column({ name: 'row_number', type: 'integer' })
  rowNumber: number;

  /** The file line where the row's record starts (null for rows staged before lines were kept). */
  @Column({ name: 'line_number', type: 'integer', nullable: true })
  lineNumber: number | null;

  /** sha1 of the row's canonical values; recorded on the loaded target row as its lineage. */
  @Column({ name: 'row_hash', type: 'text' })
  rowHash: string;

  /** The kind's canonical column names to the row's values (null when empty). */
  @Column({ type: 'jsonb' })
  data: Record<string, string | null>;

  @Column({ type: 'jsonb', nullable: true })
  problems: RowProblem[] | null;

  @Column({ type: 'enum', enum: StagingStatus, enumName: 'staging_status', default: StagingStatus.READY })
  status: StagingStatus;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;
}
