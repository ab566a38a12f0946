import { IsInt, IsJSON, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { ConfigOf, defineConfig } from '../config/env.js';
import { DEFAULT_THRESHOLDS, parseThresholdOverrides } from './anomaly-detector.js';

export class SensorsEnv {
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
