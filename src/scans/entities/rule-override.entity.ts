import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A user's settings for one detection rule; absent parameters keep the rule's defaults. */
@Entity('detection_rule_overrides')
export class RuleOverride {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ name: 'resource_type', type: 'text' })
  resourceType: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  parameters: Record<string, number>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
