import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
} from 'class-validator';
import { ConfigOf, csv, defineConfig, toBool } from '../config/env.js';
import { Secret } from '../config/secrets.js';
import {
  EncryptionKeyConstraint,
  EncryptionKeyListConstraint,
  parseKey,
  parseKeyList,
} from './crypto/keys.js';

/** Cloud-waste scans: credential encryption, provider endpoints, the scan worker and the assistant. */
export class ScansEnv {
  /** 32 bytes as base64 or hex; credentials of cloud accounts are encrypted with it (AES-256-GCM). */
  @Secret()
  @Validate(EncryptionKeyConstraint)
  ENCRYPTION_KEY: string;

  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1-32 letters, digits, _ or -' })
  ENCRYPTION_KEY_ID: string = 'k1';

  /** Keys that may still encrypt stored credentials during a rotation: `id:key,id:key`. */
  @IsOptional()
  @Validate(EncryptionKeyListConstraint)
  ENCRYPTION_PREVIOUS_KEYS?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AWS_ENDPOINT_URL?: string;

  @IsInt()
  @Min(1)
  @Max(10)
  AWS_MAX_ATTEMPTS: number = 5;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AZURE_ENDPOINT_URL?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AZURE_AUTHORITY_HOST?: string;

  /** Replaces the regional Azure Monitor metrics endpoint `https://{region}.metrics.monitor.azure.com` (metrics:getBatch). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AZURE_METRICS_ENDPOINT_URL?: string;

  /** Replaces `https://{compute,sqladmin,container,storage,monitoring}.googleapis.com` (paths do not overlap). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  GCP_API_ENDPOINT?: string;

  /** Where service-account JWTs are exchanged for access tokens. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  GCP_TOKEN_URL: string = 'https://oauth2.googleapis.com/token';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  M365_GRAPH_URL: string = 'https://graph.microsoft.com';

  /** The Microsoft identity platform (`{host}/{tenant}/oauth2/v2.0/token`) for Microsoft 365 accounts. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  M365_AUTHORITY_HOST: string = 'https://login.microsoftonline.com';

  /** Attempts per Azure, GCP or Graph REST call; 429 and 503 are retried after the server's Retry-After. */
  @IsInt()
  @Min(1)
  @Max(10)
  CLOUD_API_MAX_ATTEMPTS: number = 5;

  @IsInt()
  @Min(1)
  @Max(32)
  SCAN_REGION_CONCURRENCY: number = 4;

  @IsInt()
  @Min(1)
  @Max(64)
  SCAN_REQUEST_CONCURRENCY: number = 8;

  @IsInt()
  @Min(1000)
  SCAN_REGION_TIMEOUT_MS: number = 600_000;

  @IsInt()
  @Min(100)
  SCAN_REQUEST_TIMEOUT_MS: number = 30_000;

  @IsInt()
  @Min(1)
  @Max(16)
  SCAN_WORKER_CONCURRENCY: number = 2;

  /** How long a worker holds a scan job's lock; a dead worker's job is noticed as stalled after about this long. */
  @IsInt()
  @Min(1000)
  SCAN_LOCK_DURATION_MS: number = 30_000;

  @IsInt()
  @Min(1)
  SCANS_RATE_LIMIT: number = 10;

  @IsOptional()
  @IsString()
  ANTHROPIC_API_KEY?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ANTHROPIC_BASE_URL?: string;

  @IsString()
  ANTHROPIC_MODEL: string = 'claude-sonnet-4-5';

  @IsInt()
  @Min(64)
  @Max(8192)
  CHAT_MAX_TOKENS: number = 1024;

  @IsInt()
  @Min(1)
  CHAT_DAILY_MESSAGE_LIMIT: number = 50;

  /** Providers whose price APIs are asked for live prices (`aws,azure,gcp`); empty: list prices and overrides only. */
  @Matches(/^\s*((aws|azure|gcp)\s*(,\s*(aws|azure|gcp)\s*)*)?$/, {
    message: 'must be a comma-separated list of aws, azure, gcp',
  })
  PRICING_LIVE_PROVIDERS: string = '';

  /** AWS Price List Query API endpoint (default: the SDK's, https://api.pricing.us-east-1.amazonaws.com). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AWS_PRICING_ENDPOINT_URL?: string;

  /** The Price List Query API answers in us-east-1, eu-central-1 and ap-south-1 only. */
  @IsString()
  AWS_PRICING_REGION: string = 'us-east-1';

  @ValidateIf((env: ScansEnv) => csv(env.PRICING_LIVE_PROVIDERS).includes('aws'))
  @IsString()
  @IsNotEmpty({ message: 'is required when PRICING_LIVE_PROVIDERS includes aws' })
  AWS_PRICING_ACCESS_KEY_ID?: string;

  @Secret()
  @ValidateIf((env: ScansEnv) => csv(env.PRICING_LIVE_PROVIDERS).includes('aws'))
  @IsString()
  @IsNotEmpty({ message: 'is required when PRICING_LIVE_PROVIDERS includes aws' })
  AWS_PRICING_SECRET_ACCESS_KEY?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AZURE_PRICES_URL: string = 'https://prices.azure.com/api/retail/prices';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  GCP_BILLING_URL: string = 'https://cloudbilling.googleapis.com/v1';

  @Secret()
  @ValidateIf((env: ScansEnv) => csv(env.PRICING_LIVE_PROVIDERS).includes('gcp'))
  @IsString()
  @IsNotEmpty({ message: 'is required when PRICING_LIVE_PROVIDERS includes gcp' })
  GCP_BILLING_API_KEY?: string;

  /** How long a fetched price is trusted. */
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  PRICING_CACHE_HOURS: number = 24;

  /** Time budget of one price API request. */
  @IsInt()
  @Min(100)
  PRICING_REQUEST_TIMEOUT_MS: number = 10_000;

  /** The hourly tick that enqueues due scheduled scans. */
  @Transform(toBool)
  @IsBoolean()
  SCANS_SCHEDULER_ENABLED: boolean = true;
}

export const scansConfig = defineConfig('scans', ScansEnv, (env) => ({
  encryption: {
    currentKeyId: env.ENCRYPTION_KEY_ID,
    keys: new Map<string, Buffer>([
      ...parseKeyList(env.ENCRYPTION_PREVIOUS_KEYS),
      [env.ENCRYPTION_KEY_ID, parseKey(env.ENCRYPTION_KEY) as Buffer],
    ]),
  },
  aws: { endpoint: env.AWS_ENDPOINT_URL, maxAttempts: env.AWS_MAX_ATTEMPTS },
  azure: {
    endpoint: env.AZURE_ENDPOINT_URL,
    authorityHost: env.AZURE_AUTHORITY_HOST,
    metricsEndpoint: env.AZURE_METRICS_ENDPOINT_URL,
  },
  gcp: { apiEndpoint: env.GCP_API_ENDPOINT, tokenUrl: env.GCP_TOKEN_URL },
  m365: { graphUrl: env.M365_GRAPH_URL, authorityHost: env.M365_AUTHORITY_HOST },
  /** Options of every Azure, GCP and Graph REST call. */
  rest: { maxAttempts: env.CLOUD_API_MAX_ATTEMPTS, timeoutMs: env.SCAN_REQUEST_TIMEOUT_MS },
  worker: {
    regionConcurrency: env.SCAN_REGION_CONCURRENCY,
    requestConcurrency: env.SCAN_REQUEST_CONCURRENCY,
    regionTimeoutMs: env.SCAN_REGION_TIMEOUT_MS,
    requestTimeoutMs: env.SCAN_REQUEST_TIMEOUT_MS,
    concurrency: env.SCAN_WORKER_CONCURRENCY,
    lockDurationMs: env.SCAN_LOCK_DURATION_MS,
  },
  pricing: {
    liveProviders: csv(env.PRICING_LIVE_PROVIDERS) as Array<'aws' | 'azure' | 'gcp'>,
    aws: {
      endpoint: env.AWS_PRICING_ENDPOINT_URL,
      region: env.AWS_PRICING_REGION,
      accessKeyId: env.AWS_PRICING_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_PRICING_SECRET_ACCESS_KEY,
    },
    azure: { url: env.AZURE_PRICES_URL },
    gcp: { url: env.GCP_BILLING_URL, apiKey: env.GCP_BILLING_API_KEY },
    cacheHours: env.PRICING_CACHE_HOURS,
    requestTimeoutMs: env.PRICING_REQUEST_TIMEOUT_MS,
  },
  rateLimitPerMinute: env.SCANS_RATE_LIMIT,
  schedulerEnabled: env.SCANS_SCHEDULER_ENABLED,
  chat: {
    apiKey: env.ANTHROPIC_API_KEY,
    baseUrl: env.ANTHROPIC_BASE_URL,
    model: env.ANTHROPIC_MODEL,
    maxTokens: env.CHAT_MAX_TOKENS,
    dailyMessageLimit: env.CHAT_DAILY_MESSAGE_LIMIT,
  },
}));

export type ScansConfig = ConfigOf<typeof scansConfig>;
