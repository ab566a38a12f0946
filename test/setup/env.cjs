/**
 * Environment of the test process and of the app processes it starts. Every value can be overridden from outside
 * (CI, or a developer running several suites side by side with their own database and Redis db).
 */
const defaults = {
  NODE_ENV: 'test',
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
  MQTT_URL: process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
  JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  LOG_FORMAT: 'json',
  THROTTLE_DEFAULT_LIMIT: '100000',
  THROTTLE_LOGIN_LIMIT: '100000',
  THROTTLE_REGISTER_LIMIT: '100000',
  THROTTLE_REFRESH_LIMIT: '100000',
  // Scans: a fixed test key (32 bytes, base64) and no hourly tick during tests
  ENCRYPTION_KEY: 'dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMDEyMzQ=',
  SCANS_RATE_LIMIT: '100000',
  SCANS_SCHEDULER_ENABLED: 'false',
};
for (const [key, value] of Object.entries(defaults))
  if (process.env[key] === undefined) process.env[key] = value;
