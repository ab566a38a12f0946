import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum IssueResolution {
  /** Accepted as is by a reviewer, with a comment. */
  RESOLVED = 'RESOLVED',
  /** The row was discarded. */
  DISCARDED = 'DISCARDED',
  /** No longer applies after a correction (of this row or another). */
  CORRECTED = 'CORRECTED',
}

/** A problem of one staged row, open until a reviewer resolves it, discards the row or corrects it away. */
@Entity('job_issues')
export class JobIssue {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Column({ name: 'staging_id', type: 'bigint' })
  stagingId: string;

  @Column({ name: 'row_number', type: 'integer' })
  rowNumber: number;

  /** The file line where the row's record starts (null for rows staged before lines were kept). */
  @Column({ name: 'line_number', type: 'integer', nullable: true })
  lineNumber: number | null;

  /** MISSING_REQUIRED_FIELD, INVALID_EMAIL, DUPLICATE_EMAIL, EXISTING_EMAIL, ... (declared by the kind). */
  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  field: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'text', nullable: true })
  value: string | null;

  @Column({ type: 'text', nullable: true })
  resolution: IssueResolution | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
