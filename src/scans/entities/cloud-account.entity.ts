import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type CloudProvider = 'aws' | 'azure' | 'gcp' | 'm365';
export const CLOUD_PROVIDERS: CloudProvider[] = ['aws', 'azure', 'gcp', 'm365'];
export type ScheduleFrequency = 'daily' | 'weekly' | 'monthly';

@Entity('cloud_accounts')
export class CloudAccount {
  /** Chosen by the application before the insert: it is bound into the credentials' ciphertext. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  provider: CloudProvider;

  @Column({ type: 'text' })
  name: string;

  /** AWS account id, Azure subscription id, GCP project id or Microsoft 365 tenant id. */
  @Column({ name: 'account_identifier', type: 'text' })
  accountIdentifier: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  regions: string[];

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  /** AES-256-GCM; never selected unless asked for. */
  @Column({ name: 'credentials_ciphertext', type: 'text', select: false })
  credentialsCiphertext: string;

  @Column({ name: 'credentials_key_id', type: 'text' })
  credentialsKeyId: string;

  /** What the API shows instead of the secret, e.g. `AKIA…WXYZ`. */
  @Column({ name: 'credentials_hint', type: 'text' })
  credentialsHint: string;

  @Column({ name: 'schedule_enabled', type: 'boolean', default: false })
  scheduleEnabled: boolean;

  @Column({ name: 'schedule_frequency', type: 'text', default: 'daily' })
  scheduleFrequency: ScheduleFrequency;

  @Column({ name: 'schedule_hour', type: 'smallint', default: 2 })
  scheduleHour: number;

  /** 0 = Sunday, for weekly schedules. */
  @Column({ name: 'schedule_day_of_week', type: 'smallint', nullable: true })
  scheduleDayOfWeek: number | null;

  /** 1-28, for monthly schedules. */
  @Column({ name: 'schedule_day_of_month', type: 'smallint', nullable: true })
  scheduleDayOfMonth: number | null;

  @Column({ name: 'last_scan_at', type: 'timestamptz', nullable: true })
  lastScanAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
