import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of a rollup: the readings of one sensor and type in one bucket (UTC, aligned from 2000-01-01). */
abstract class ReadingRollup {
  @PrimaryColumn({ name: 'sensor_id', type: 'text' })
  sensorId: string;

  @PrimaryColumn({ name: 'sensor_type', type: 'text' })
  sensorType: string;

  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' })
  bucketStart: Date;

  @Column({ type: 'integer' })
  count: number;

  @Column({ type: 'double precision' })
  sum: number;

  @Column({ type: 'double precision' })
  min: number;

  @Column({ type: 'double precision' })
  max: number;
}

/** Per minute; written by the batch insert itself (`ReadingsRepository`), read by bucketed history. */
@Entity('sensor_readings_1m')
export class SensorReadingMinute extends ReadingRollup {}

/** Per hour; same. */
@Entity('sensor_readings_1h')
export class SensorReadingHour extends ReadingRollup {}
