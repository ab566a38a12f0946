import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One stored reading. Written in batches by `ReadingsRepository` (raw SQL); read through TypeORM and SQL. The table is
 * partitioned by day on `timestamp` (migration 1700000007000).
 */
@Entity('sensor_readings')
export class SensorReading {
  @PrimaryColumn({ name: 'sensor_id', type: 'text' })
  sensorId: string;

  @PrimaryColumn({ name: 'timestamp', type: 'timestamptz' })
  timestamp: Date;

  @PrimaryColumn({ name: 'sensor_type', type: 'text' })
  sensorType: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'text', nullable: true })
  unit: string | null;

  @Column({ type: 'text' })
  origin: string;

  @Column({ name: 'source_protocol', type: 'text' })
  sourceProtocol: string;

  @Column({ type: 'boolean' })
  anomaly: boolean;

  @Column({ name: 'reported_anomaly', type: 'boolean', nullable: true })
  reportedAnomaly: boolean | null;

  @Column({ name: 'anomaly_message', type: 'text', nullable: true })
  anomalyMessage: string | null;

  @Column({ type: 'jsonb' })
  raw: Record<string, unknown>;

  @Column({ name: 'stored_at', type: 'timestamptz' })
  storedAt: Date;

  /** The correlation id of the message that carried it. */
  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId: string | null;
}
