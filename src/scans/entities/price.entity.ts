import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numeric } from './columns.js';

/** A list price (region `*`) or an admin's override for one region. */
@Entity('scan_prices')
export class Price {
  @PrimaryGeneratedColumn('identity')
  id: number;

  /** e.g. `aws.ebs.gp3.gb_month`. */
  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text', default: '*' })
  region: string;

  @Column({ name: 'usd', type: 'numeric', precision: 12, scale: 6, transformer: numeric })
  usd: number;

  @Column({ type: 'text' })
  unit: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
