import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type ThresholdScope = 'type' | 'sensor';

/** An admin's override of the normal range of a sensor type, or of one sensor. */
@Entity('sensor_thresholds')
export class SensorThreshold {
  @PrimaryColumn({ type: 'text' })
  scope: ThresholdScope;

  /** The sensor type or the sensor id, per `scope`. */
  @PrimaryColumn({ type: 'text' })
  subject: string;

  @Column({ type: 'double precision', nullable: true })
  min: number | null;

  @Column({ type: 'double precision', nullable: true })
  max: number | null;

  @Column({ type: 'double precision', nullable: true })
  jump: number | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
