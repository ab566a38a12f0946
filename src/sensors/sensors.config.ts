import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsJSON, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { ConfigOf, defineConfig, toBool } from '../config/env.js';
import { DEFAULT_THRESHOLDS, parseThresholdOverrides } from './anomaly-detector.js';

export class SensorsEnv {
  @Transform(toBool)
  @IsBoolean()
  SENSORS_MQTT_ENABLED: boolean = true;

  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' })
  SENSORS_MQTT_SHARE_GROUP: string = 'terrawatch';

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' })
  SENSORS_REPLICA_ID?: string;

  @IsInt()
  @Min(0)
  SENSORS_MQTT_SESSION_EXPIRY_SECONDS: number = 86400;

  @IsInt()
  @Min(1)
  @Max(65535)
  SENSORS_MQTT_RECEIVE_MAXIMUM: number = 40000;

  @IsInt()
  @Min(1)
  @Max(10000)
  SENSORS_BATCH_MAX_ROWS: number = 5000;

  @IsInt()
  @Min(1)
  @Max(100)
  SENSORS_BATCH_MAX_WAIT_MS: number = 50;

  /** JSON `{"<type>": {"min": n, "max": n, "jump": n}}`, merged over the built-in defaults. */
  @IsOptional()
  @IsJSON({ message: 'must be JSON like {"pressure":{"min":950,"max":1050,"jump":10}}' })
  SENSORS_THRESHOLDS?: string;

  @IsInt()
  @Min(0)
  SENSORS_RETENTION_DAYS: number = 0;

  @IsInt()
  @Min(100)
  @Max(100000)
  SENSORS_RETENTION_BATCH_ROWS: number = 10000;

  /** Hourly rollups are kept this many days (at least SENSORS_RETENTION_DAYS); 0 keeps them for ever. */
  @IsInt()
  @Min(0)
  SENSORS_ROLLUP_RETENTION_DAYS: number = 0;

  /** Requests per minute per client on `POST /sensors/readings` (devices post often; each request holds <= 1000). */
  @IsInt()
  @Min(1)
  SENSORS_HTTP_INGEST_PER_MINUTE: number = 1200;

  @IsOptional()
  @IsString()
  OPENWEATHER_API_KEY?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OPENWEATHER_BASE_URL: string = 'https://api.openweathermap.org';

  @IsInt()
  @Min(0)
  OPENWEATHER_CACHE_SECONDS: number = 300;

  @IsInt()
  @Min(100)
  OPENWEATHER_TIMEOUT_MS: number = 5000;
}

export const sensorsConfig = defineConfig('sensors', SensorsEnv, (env) => ({
  mqtt: {
    enabled: env.SENSORS_MQTT_ENABLED,
    shareGroup: env.SENSORS_MQTT_SHARE_GROUP,
    replicaId: env.SENSORS_REPLICA_ID,
    sessionExpirySeconds: env.SENSORS_MQTT_SESSION_EXPIRY_SECONDS,
    receiveMaximum: env.SENSORS_MQTT_RECEIVE_MAXIMUM,
  },
  httpIngestPerMinute: env.SENSORS_HTTP_INGEST_PER_MINUTE,
  batch: { maxRows: env.SENSORS_BATCH_MAX_ROWS, maxWaitMs: env.SENSORS_BATCH_MAX_WAIT_MS },
  thresholds: { ...DEFAULT_THRESHOLDS, ...parseThresholdOverrides(env.SENSORS_THRESHOLDS) },
  retention: {
    days: env.SENSORS_RETENTION_DAYS,
    batchRows: env.SENSORS_RETENTION_BATCH_ROWS,
    rollupDays: env.SENSORS_ROLLUP_RETENTION_DAYS,
  },
  openWeather: {
    apiKey: env.OPENWEATHER_API_KEY,
    baseUrl: env.OPENWEATHER_BASE_URL.replace(/\/+$/, ''),
    cacheSeconds: env.OPENWEATHER_CACHE_SECONDS,
    timeoutMs: env.OPENWEATHER_TIMEOUT_MS,
  },
}));

export type SensorsConfig = ConfigOf<typeof sensorsConfig>;
