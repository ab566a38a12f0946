import { QUICK_RECOVERY_LOCK } from '../common/queue/queue-definition.js';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { tmpdir } from 'node:os';
import { ConfigOf, defineConfig, toBool } from '../config/env.js';

/** Data-ingestion jobs: upload limits, object storage, the queue and the worker. */
export class JobsEnv {
  @IsInt()
  @Min(1)
  @Max(4096)
  JOBS_MAX_UPLOAD_MB: number = 50;

  /** Local object storage (used when JOBS_S3_BUCKET is unset). */
  @IsString()
  @MinLength(1)
  JOBS_STORAGE_DIR: string = './data/jobs';

  /** Where an upload is spooled while it is checked, before it goes to object storage. */
  @IsString()
  @MinLength(1)
  JOBS_TMP_DIR: string = tmpdir();

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name' })
  JOBS_S3_BUCKET?: string;

  @IsString()
  JOBS_S3_REGION: string = 'us-east-1';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  JOBS_S3_ENDPOINT?: string;

  @Transform(toBool)
  @IsBoolean()
  JOBS_S3_FORCE_PATH_STYLE: boolean = false;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
  JOBS_QUEUE_REDIS_URL?: string;

  @IsInt()
  @Min(100)
  JOBS_ENQUEUE_TIMEOUT_MS: number = 5000;

  @IsInt()
  @Min(1)
  @Max(16)
  JOBS_CONCURRENCY: number = 1;

  @IsInt()
  @Min(100)
  @Max(1_000_000)
  JOBS_BATCH_ROWS: number = 25000;

  /** Issues recorded per job at most (0: no cap); a job past it says `partial_report: true`. */
  @IsInt()
  @Min(0)
  JOBS_MAX_ISSUES: number = 0;

  @IsInt()
  @Min(1000)
  JOBS_LOCK_DURATION_MS: number = QUICK_RECOVERY_LOCK.lockDuration;

  @IsInt()
  @Min(500)
  JOBS_STALLED_INTERVAL_MS: number = QUICK_RECOVERY_LOCK.stalledInterval;
}

export const jobsConfig = defineConfig('jobs', JobsEnv, (env) => ({
  maxUploadBytes: env.JOBS_MAX_UPLOAD_MB * 1024 * 1024,
  maxUploadMb: env.JOBS_MAX_UPLOAD_MB,
  storageDir: env.JOBS_STORAGE_DIR,
  tmpDir: env.JOBS_TMP_DIR,
  s3: env.JOBS_S3_BUCKET
    ? {
        bucket: env.JOBS_S3_BUCKET,
        region: env.JOBS_S3_REGION,
        endpoint: env.JOBS_S3_ENDPOINT,
        forcePathStyle: env.JOBS_S3_FORCE_PATH_STYLE,
      }
    : undefined,
  queueRedisUrl: env.JOBS_QUEUE_REDIS_URL,
  enqueueTimeoutMs: env.JOBS_ENQUEUE_TIMEOUT_MS,
  concurrency: env.JOBS_CONCURRENCY,
  batchRows: env.JOBS_BATCH_ROWS,
  maxIssues: env.JOBS_MAX_ISSUES,
  lockDurationMs: env.JOBS_LOCK_DURATION_MS,
  stalledIntervalMs: env.JOBS_STALLED_INTERVAL_MS,
}));

export type JobsConfig = ConfigOf<typeof jobsConfig>;
