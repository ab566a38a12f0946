import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Every sensor ever seen, with its latest reading: answers "latest" and "unknown sensor" without scanning. */
@Entity('sensors')
export class Sensor {
  @PrimaryColumn({ name: 'sensor_id', type: 'text' })
  sensorId: string;

  @PrimaryColumn({ name: 'sensor_type', type: 'text' })
  sensorType: string;

  @Column({ name: 'last_timestamp', type: 'timestamptz' })
  lastTimestamp: Date;

  @Column({ name: 'last_value', type: 'double precision' })
  lastValue: number;

  @Column({ type: 'text', nullable: true })
  unit: string | null;

  @Column({ type: 'text' })
  origin: string;

  @Column({ name: 'source_protocol', type: 'text' })
  sourceProtocol: string;

  @Column({ type: 'boolean' })
  anomaly: boolean;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
