import { EmailToken } from '../auth/entities/email-token.entity.js';
import { RefreshToken } from '../auth/entities/refresh-token.entity.js';
import { User } from '../auth/entities/user.entity.js';
import { Sensor } from '../sensors/entities/sensor.entity.js';
import { SensorReading } from '../sensors/entities/sensor-reading.entity.js';
import { SensorThreshold } from '../sensors/entities/sensor-threshold.entity.js';

/** Every entity of the application, for the data source and the migration generator. Modules add theirs here. */
export const ALL_ENTITIES = [
  User,
  RefreshToken,
  EmailToken,
  // Sensors
  SensorReading,
  Sensor,
  SensorThreshold,
];
