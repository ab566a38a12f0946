import { authConfig } from '../auth/auth.config.js';
import { sensorsConfig } from '../sensors/sensors.config.js';
import { appConfig } from './app.config.js';
import { cloudcastingConfig } from '../cloudcasting/cloudcasting.config.js';
import { speciesConfig } from '../species/species.config.js';
import { scansConfig } from '../scans/scans.config.js';
import { jobsConfig } from '../jobs/jobs.config.js';
import { mqttConsumerConfig } from '../messaging/mqtt-consumer.config.js';
import { metricsConfig } from '../metrics/metrics.config.js';

/** Every namespaced config of the application; each is validated at start-up. Modules add theirs here. */
export const ALL_CONFIGS = [
  appConfig,
  mqttConsumerConfig,
  metricsConfig,
  authConfig,
  cloudcastingConfig,
  speciesConfig,
  scansConfig,
  jobsConfig,
  // Sensors
  sensorsConfig,
];
