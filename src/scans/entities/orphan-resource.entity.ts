import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Confidence } from '../rules/confidence.js';
import type { CloudProvider } from './cloud-account.entity.js';
import { numeric } from './columns.js';

export type ResourceStatus = 'active' | 'ignored' | 'marked_for_deletion' | 'deleted';
export const RESOURCE_STATUSES: ResourceStatus[] = ['active', 'ignored', 'marked_for_deletion', 'deleted'];

export interface CostLine {
  item: string;
  quantity: number;
  unit_price: number;
  monthly: number;
}

export interface ResourceMetadata {
  age_days: number | null;
  reason: string;
  confidence: Confidence;
  cost_breakdown: CostLine[];
  [detail: string]: unknown;
}

@Entity('orphan_resources')
export class OrphanResource {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'scan_id', type: 'uuid' })
  scanId: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  provider: CloudProvider;

  @Column({ name: 'resource_type', type: 'text' })
  resourceType: string;

  @Column({ name: 'resource_id', type: 'text' })
  resourceId: string;

  @Column({ name: 'resource_name', type: 'text', nullable: true })
  resourceName: string | null;

  @Column({ type: 'text' })
  region: string;

  @Column({ name: 'monthly_cost', type: 'numeric', precision: 12, scale: 2, transformer: numeric })
  monthlyCost: number;

  @Column({ type: 'jsonb' })
  metadata: ResourceMetadata;

  @Column({ type: 'text', default: 'active' })
  status: ResourceStatus;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
