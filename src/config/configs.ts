import { authConfig } from '../auth/auth.config.js';
import { sensorsConfig } from '../sensors/sensors.config.js';
import { appConfig } from './app.config.js';

/** Every namespaced config of the application; each is validated at start-up. Modules add theirs here. */
export const ALL_CONFIGS = [
  appConfig,
  authConfig,
  // Sensors
  sensorsConfig,
];
