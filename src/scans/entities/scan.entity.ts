import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numeric } from './columns.js';

export type ScanType = 'manual' | 'scheduled';
export type ScanStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled';
export const SCAN_STATUSES: ScanStatus[] = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'];
export const UNFINISHED: ScanStatus[] = ['pending', 'in_progress'];

export interface RegionError {
  region: string;
  /** The step that failed (e.g. `ec2:DescribeVolumes`) when known. */
  step?: string;
  code?: string;
  message: string;
}

export type StepStatus = 'scanned' | 'failed' | 'skipped';
export const STEP_STATUSES: StepStatus[] = ['scanned', 'failed', 'skipped'];

/** How one step ended, as a provider reports it (`running` until it does). */
export interface StepOutcome {
  status: StepStatus | 'running';
  code?: string;
  reason?: string;
}

/** One row of a scan's status table: one step (one service's call) in one region. */
export interface ServiceStatus {
  region: string;
  /** The service, e.g. `ec2`, `cloudwatch`, `azure`; `*` for the region as a whole (timeout, crash). */
  service: string;
  /** The step, e.g. `ec2:DescribeVolumes`. */
  step: string;
  status: StepStatus;
  resources_examined: number;
  code?: string;
  reason?: string;
}

@Entity('scans')
export class Scan {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  type: ScanType;

  @Column({ type: 'text', default: 'pending' })
  status: ScanStatus;

  @Column({ type: 'smallint', default: 0 })
  progress: number;

  @Column({ name: 'current_step', type: 'text', nullable: true })
  currentStep: string | null;

  @Column({ name: 'current_region', type: 'text', nullable: true })
  currentRegion: string | null;

  @Column({ name: 'resources_scanned', type: 'integer', default: 0 })
  resourcesScanned: number;

  @Column({ name: 'orphans_found', type: 'integer', default: 0 })
  orphansFound: number;

  @Column({
    name: 'estimated_monthly_waste',
    type: 'numeric',
    precision: 14,
    scale: 2,
    default: 0,
    transformer: numeric,
  })
  estimatedMonthlyWaste: number;

  @Column({ name: 'region_errors', type: 'jsonb', default: () => "'[]'" })
  regionErrors: RegionError[];

  /** Per region and service: scanned, failed (with the reason) or skipped for lack of permission. */
  @Column({ name: 'service_status', type: 'jsonb', default: () => "'[]'" })
  serviceStatus: ServiceStatus[];

  /** Findings with at least one cost line no price source knew (their monthly cost is a lower bound). */
  @Column({ name: 'findings_cost_unknown', type: 'integer', default: 0 })
  findingsCostUnknown: number;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  /** How many times a worker started this scan (more than one after a stalled worker). */
  @Column({ type: 'smallint', default: 0 })
  attempts: number;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
