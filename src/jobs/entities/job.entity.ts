import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ValueType } from '../kinds/value-types.js';
import type { Delimiter } from '../upload/csv-records.js';
import type { RecordFormat } from '../upload/record-formats.js';

/** What to do with rows that have issues. */
export type OnIssues = 'review' | 'load_valid';

/** How to read the stored file, fixed at upload so every run reads it alike. */
export interface JobFileOptions {
  delimiter?: Delimiter;
  compression?: 'gzip' | null;
  /** XLSX: the worksheet read (default the first). */
  sheet?: string;
  /** JSON Lines: the keys that make the header. */
  keys?: string[];
  /** The uploader's mapping: kind column -> header cell. */
  columns?: Record<string, string>;
  /** The uploader's type overrides per kind column. */
  types?: Record<string, ValueType>;
  /** `review` (default): rows with issues wait for a reviewer; `load_valid`: they are rejected, the rest loads. */
  onIssues?: OnIssues;
}

export enum JobStatus {
  PENDING = 'PENDING',
  PROCESSING = 'PROCESSING',
  NEEDS_REVIEW = 'NEEDS_REVIEW',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}

/** One uploaded file and its way through staging, review and loading. */
@Entity('jobs')
export class Job {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  /** Name of a registered `JobKind` (`contacts`, ...). */
  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'original_filename', type: 'text' })
  originalFilename: string;

  /** sha256 of the file's bytes; one user cannot upload the same content twice. */
  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;

  /** `uploads/{user_id}/{timestamp}-{uuid8}-{filename}` in the object storage. */
  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  /** `utf-8` or `windows-1252` (Latin-1), detected at upload. */
  @Column({ type: 'text' })
  encoding: string;

  @Column({ type: 'text', default: 'csv' })
  format: RecordFormat;

  @Column({ type: 'jsonb', default: {} })
  options: JobFileOptions;

  /** True when JOBS_MAX_ISSUES stopped the recording of issues: the report lists only the first ones. */
  @Column({ name: 'partial_report', type: 'boolean', default: false })
  partialReport: boolean;

  /** Where the last run's time went (ms): stage (of which copy_wait), check, load. */
  @Column({ type: 'jsonb', nullable: true })
  timings: Record<string, number> | null;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes: string;

  @Column({ type: 'enum', enum: JobStatus, enumName: 'job_status', default: JobStatus.PENDING })
  status: JobStatus;

  @Column({ name: 'total_rows', type: 'integer', nullable: true })
  totalRows: number | null;

  @Column({ name: 'processed_rows', type: 'integer', default: 0 })
  processedRows: number;

  /** Open (unresolved) issues. */
  @Column({ name: 'issue_count', type: 'integer', default: 0 })
  issueCount: number;

  @Column({ name: 'loaded_rows', type: 'integer', default: 0 })
  loadedRows: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /**
   * Incremented by every reprocess and by the load queued when a review ends; part of the queue job id so a new
   * run is never mistaken for an old one.
   */
  @Column({ type: 'integer', default: 1 })
  run: number;

  @Column({ name: 'process_started_at', type: 'timestamptz', nullable: true })
  processStartedAt: Date | null;

  @Column({ name: 'process_ended_at', type: 'timestamptz', nullable: true })
  processEndedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
