import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { ConfigOf, defineConfig, toBool } from '../config/env.js';

/** Species module: OBIS and WoRMS clients, the ETL, its crons and users' uploads. */
export class SpeciesEnv {
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OBIS_BASE_URL: string = 'https://api.obis.org';

  @IsInt()
  @Min(1)
  @Max(10000)
  OBIS_PAGE_SIZE: number = 500;

  @IsInt()
  @Min(0)
  OBIS_PAGE_DELAY_MS: number = 1000;

  @IsInt()
  @Min(100)
  OBIS_TIMEOUT_MS: number = 30000;

  @IsInt()
  @Min(0)
  @Max(10)
  OBIS_MAX_RETRIES: number = 4;

  @IsInt()
  @Min(0)
  OBIS_RETRY_BASE_MS: number = 1000;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  WORMS_BASE_URL: string = 'https://www.marinespecies.org';

  @IsInt()
  @Min(1)
  @Max(32)
  WORMS_CONCURRENCY: number = 4;

  @IsInt()
  @Min(100)
  WORMS_TIMEOUT_MS: number = 10000;

  @IsInt()
  @Min(1)
  WORMS_CACHE_TTL_DAYS: number = 30;

  @IsInt()
  @Min(1)
  @Max(10000)
  SPECIES_UPSERT_BATCH_SIZE: number = 10000;

  @IsInt()
  @Min(1)
  SPECIES_INCREMENTAL_DAYS: number = 30;

  @Transform(toBool)
  @IsBoolean()
  SPECIES_CRON_ENABLED: boolean = true;

  @IsString()
  @MinLength(9)
  SPECIES_CRON_INCREMENTAL: string = '0 3 1 * *';

  @IsString()
  @MinLength(9)
  SPECIES_CRON_FULL: string = '0 4 1 1,7 *';

  @IsString()
  SPECIES_UPLOAD_DIR: string = './data/uploads/observations';

  @IsInt()
  @Min(1)
  @Max(10000)
  SPECIES_MAP_MAX_FEATURES: number = 1000;
}

export const speciesConfig = defineConfig('species', SpeciesEnv, (env) => ({
  obis: {
    baseUrl: env.OBIS_BASE_URL.replace(/\/+$/, ''),
    pageSize: env.OBIS_PAGE_SIZE,
    pageDelayMs: env.OBIS_PAGE_DELAY_MS,
    timeoutMs: env.OBIS_TIMEOUT_MS,
    maxRetries: env.OBIS_MAX_RETRIES,
    retryBaseMs: env.OBIS_RETRY_BASE_MS,
  },
  worms: {
    baseUrl: env.WORMS_BASE_URL.replace(/\/+$/, ''),
    concurrency: env.WORMS_CONCURRENCY,
    timeoutMs: env.WORMS_TIMEOUT_MS,
    cacheTtlDays: env.WORMS_CACHE_TTL_DAYS,
  },
  upsertBatchSize: env.SPECIES_UPSERT_BATCH_SIZE,
  incrementalDays: env.SPECIES_INCREMENTAL_DAYS,
  cron: {
    enabled: env.SPECIES_CRON_ENABLED,
    incremental: env.SPECIES_CRON_INCREMENTAL,
    full: env.SPECIES_CRON_FULL,
  },
  uploadDir: env.SPECIES_UPLOAD_DIR,
  mapMaxFeatures: env.SPECIES_MAP_MAX_FEATURES,
}));

export type SpeciesConfig = ConfigOf<typeof speciesConfig>;
