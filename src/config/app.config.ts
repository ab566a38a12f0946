import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { ConfigOf, csv, defineConfig, toBool } from './env.js';

/** Process-wide settings: HTTP, connections, logging. */
export class AppEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: string = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/test';

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379/0';

  @Matches(/^(mqtts?|wss?|tcp):\/\/.+/, { message: 'must be an mqtt:// URL' })
  MQTT_URL: string = 'mqtt://127.0.0.1:1883';

  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1-32 letters, digits, _ or -' })
  MQTT_CLIENT_PREFIX: string = 'terrawatch';

  @IsIn(['json', 'pretty'])
  LOG_FORMAT: string = 'json';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsString()
  CORS_ORIGINS: string = 'http://localhost:3000';

  @Matches(/^\d+(kb|mb)$/i, { message: 'must look like 1mb or 512kb' })
  BODY_LIMIT: string = '1mb';

  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY: boolean = false;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SENTRY_DSN?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_URL: string = 'http://localhost:3000';

  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS: number = 10000;

  /** The OpenAPI UI and document at /api/docs; unset: on, except with NODE_ENV=production. */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  SWAGGER_ENABLED?: boolean;

  /**
   * Lets the demo commands (demo:seed, species:demo-seed, cloudcasting:demo-store) run with NODE_ENV=production:
   * the Docker quick start is a demo deployment. Never set it on a real one.
   */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  DEMO_DATA?: boolean;

  /** Requests per minute and address on every route without a rate limit of its own. */
  @IsInt()
  @Min(1)
  THROTTLE_DEFAULT_LIMIT: number = 100;
}

export const appConfig = defineConfig('app', AppEnv, (env) => ({
  env: env.NODE_ENV as 'development' | 'test' | 'production',
  port: env.PORT,
  databaseUrl: env.DATABASE_URL,
  databasePoolSize: env.DATABASE_POOL_SIZE,
  redisUrl: env.REDIS_URL,
  mqttUrl: env.MQTT_URL,
  mqttClientPrefix: env.MQTT_CLIENT_PREFIX,
  logFormat: env.LOG_FORMAT as 'json' | 'pretty',
  logLevel: env.LOG_LEVEL,
  corsOrigins: csv(env.CORS_ORIGINS),
  bodyLimit: env.BODY_LIMIT,
  trustProxy: env.TRUST_PROXY,
  sentryDsn: env.SENTRY_DSN,
  publicUrl: env.PUBLIC_URL,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  throttleDefaultLimit: env.THROTTLE_DEFAULT_LIMIT,
  swaggerEnabled: env.SWAGGER_ENABLED ?? env.NODE_ENV !== 'production',
  demoDataAllowed: env.NODE_ENV !== 'production' || env.DEMO_DATA === true,
}));

export type AppConfig = ConfigOf<typeof appConfig>;
