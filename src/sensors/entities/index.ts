import { SensorReadingHour, SensorReadingMinute } from './sensor-reading-rollup.entity.js';
import { SensorReading } from './sensor-reading.entity.js';
import { SensorThreshold } from './sensor-threshold.entity.js';
import { Sensor } from './sensor.entity.js';

/** Sensors' tables, for its own module and the application's data source. */
export const SENSORS_ENTITIES = [
  SensorReading,
  SensorReadingMinute,
  SensorReadingHour,
  Sensor,
  SensorThreshold,
];
