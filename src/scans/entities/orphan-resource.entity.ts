import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PriceSource } from '../pricing/price-book.js';
import type { Confidence } from '../rules/confidence.js';
import type { CloudProvider } from './cloud-account.entity.js';
import { numeric } from './columns.js';

export type ResourceStatus = 'active' | 'ignored' | 'marked_for_deletion' | 'deleted';
export const RESOURCE_STATUSES: ResourceStatus[] = ['active', 'ignored', 'marked_for_deletion', 'deleted'];

export interface CostLine {
  item: string;
  /** The price list key, e.g. `aws.ebs.gp3.gb_month`. */
  price_key?: string;
  quantity: number;
  /** USD per unit; null when no source knows the price. */
  unit_price: number | null;
  monthly: number;
  /** override / live / cache / list; null when the price is unknown. */
  price_source?: PriceSource | null;
  priced_at?: string | null;
  cost_unknown?: boolean;
}

export interface ResourceMetadata {
  age_days: number | null;
  reason: string;
  confidence: Confidence;
  cost_breakdown: CostLine[];
  /** Some cost line could not be priced: `monthly_cost` is then a lower bound, not the whole cost. */
  cost_unknown?: boolean;
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
