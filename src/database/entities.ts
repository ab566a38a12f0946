import { EmailToken } from '../auth/entities/email-token.entity.js';
import { RefreshToken } from '../auth/entities/refresh-token.entity.js';
import { User } from '../auth/entities/user.entity.js';
import { CloudcastingForecast } from '../cloudcasting/entities/cloudcasting-forecast.entity.js';
import { SPECIES_ENTITIES } from '../species/entities/index.js';
import { Contact } from '../jobs/contacts/contact.entity.js';
import { JobIssue } from '../jobs/entities/job-issue.entity.js';
import { Job } from '../jobs/entities/job.entity.js';
import { StagingRow } from '../jobs/entities/staging-row.entity.js';
import { ChatMessage, Conversation } from '../scans/entities/chat.entity.js';
import { CloudAccount } from '../scans/entities/cloud-account.entity.js';
import { OrphanResource } from '../scans/entities/orphan-resource.entity.js';
import { Price } from '../scans/entities/price.entity.js';
import { RuleOverride } from '../scans/entities/rule-override.entity.js';
import { Scan } from '../scans/entities/scan.entity.js';
import { Sensor } from '../sensors/entities/sensor.entity.js';
import { SensorReading } from '../sensors/entities/sensor-reading.entity.js';
import { SensorThreshold } from '../sensors/entities/sensor-threshold.entity.js';

/** Every entity of the application, for the data source and the migration generator. Modules add theirs here. */
export const ALL_ENTITIES = [
  User,
  RefreshToken,
  EmailToken,
  CloudcastingForecast,
  ...SPECIES_ENTITIES,
  // Jobs module
  Job,
  StagingRow,
  JobIssue,
  Contact,
  // Scans
  CloudAccount,
  Scan,
  OrphanResource,
  Price,
  RuleOverride,
  Conversation,
  ChatMessage,
  // Sensors
  SensorReading,
  Sensor,
  SensorThreshold,
];
