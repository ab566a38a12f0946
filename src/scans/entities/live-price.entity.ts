import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CloudProvider } from './cloud-account.entity.js';
import { numeric } from './columns.js';

/** A price fetched from a provider's price API, for one key in one region; trusted for 24 h. */
@Entity('scan_live_prices')
export class LivePrice {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @PrimaryColumn({ type: 'text' })
  region: string;

  @Column({ type: 'text' })
  provider: CloudProvider;

  /** USD per unit of the price key (already converted, e.g. hourly × 730 for a `.month` key). */
  @Column({ type: 'numeric', precision: 14, scale: 8, transformer: numeric })
  usd: number;

  @Column({ type: 'text' })
  unit: string;

  /** The provider's id of the product it came from (AWS SKU, Azure meter id, GCP SKU id). */
  @Column({ type: 'text', nullable: true })
  sku: string | null;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt: Date;
}
