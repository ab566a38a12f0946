import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { ConfigOf, defineConfig, toBool } from '../config/env.js';
import type { BoundingBox } from './geo/regridder.js';

const BOX = /^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){3}$/;

export class CloudcastingEnv {
  /** `s3` (bucket and prefix below) or `file:///absolute/path/to/store.zarr`. */
  @Matches(/^(s3|file:\/\/\/.+)$/, { message: 'must be s3 or a file:///absolute/path URL' })
  CLOUDCASTING_SOURCE: string = 's3';

  @IsOptional()
  @IsString()
  CLOUDCASTING_S3_BUCKET?: string;

  @IsString()
  CLOUDCASTING_S3_PREFIX: string = 'cloudcasting_forecast/latest.zarr';

  @IsString()
  CLOUDCASTING_S3_REGION: string = 'eu-west-1';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  CLOUDCASTING_S3_ENDPOINT?: string;

  @Transform(toBool)
  @IsBoolean()
  CLOUDCASTING_S3_FORCE_PATH_STYLE: boolean = false;

  @IsOptional()
  @IsString()
  CLOUDCASTING_S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  CLOUDCASTING_S3_SECRET_ACCESS_KEY?: string;

  @IsString()
  CLOUDCASTING_DATA_DIR: string = './data/cloudcasting';

  @IsInt()
  @Min(1)
  @Max(100)
  CLOUDCASTING_KEEP_SETS: number = 3;

  @Transform(toBool)
  @IsBoolean()
  CLOUDCASTING_CRON_ENABLED: boolean = true;

  @Matches(/^(\S+\s+){4,5}\S+$/, { message: 'must be a cron expression' })
  CLOUDCASTING_CRON: string = '*/15 * * * *';

  @IsInt()
  @Min(1)
  @Max(64)
  CLOUDCASTING_DOWNLOAD_CONCURRENCY: number = 8;

  @IsInt()
  @Min(0)
  @Max(10)
  CLOUDCASTING_DOWNLOAD_RETRIES: number = 3;

  @IsNumber()
  @Min(0.001)
  @Max(1)
  CLOUDCASTING_RESOLUTION_DEG: number = 0.075;

  @Matches(BOX, { message: 'must be west,south,east,north' })
  CLOUDCASTING_BBOX_METEOSAT11: string = '-19,42,15,65';

  @Matches(BOX, { message: 'must be west,south,east,north' })
  CLOUDCASTING_BBOX_METEOSAT10: string = '-25,35,25,70';

  @IsInt()
  @Min(1)
  @Max(9)
  CLOUDCASTING_DEFLATE_LEVEL: number = 1;

  @IsIn([1, 3])
  CLOUDCASTING_TIFF_PREDICTOR: number = 3;

  @IsInt()
  @Min(0)
  CLOUDCASTING_TIFF_MAX_AGE_SECONDS: number = 300;
}

function box(value: string): BoundingBox {
  const [west, south, east, north] = value.split(',').map(Number);
  return { west, south, east, north };
}

export const cloudcastingConfig = defineConfig('cloudcasting', CloudcastingEnv, (env) => ({
  source:
    env.CLOUDCASTING_SOURCE === 's3'
      ? ({
          kind: 's3',
          bucket: env.CLOUDCASTING_S3_BUCKET,
          prefix: env.CLOUDCASTING_S3_PREFIX,
          region: env.CLOUDCASTING_S3_REGION,
          endpoint: env.CLOUDCASTING_S3_ENDPOINT,
          forcePathStyle: env.CLOUDCASTING_S3_FORCE_PATH_STYLE,
          credentials:
            env.CLOUDCASTING_S3_ACCESS_KEY_ID && env.CLOUDCASTING_S3_SECRET_ACCESS_KEY
              ? {
                  accessKeyId: env.CLOUDCASTING_S3_ACCESS_KEY_ID,
                  secretAccessKey: env.CLOUDCASTING_S3_SECRET_ACCESS_KEY,
                }
              : undefined,
        } as const)
      : ({ kind: 'directory', dir: decodeURIComponent(new URL(env.CLOUDCASTING_SOURCE).pathname) } as const),
  dataDir: env.CLOUDCASTING_DATA_DIR,
  keepSets: env.CLOUDCASTING_KEEP_SETS,
  cronEnabled: env.CLOUDCASTING_CRON_ENABLED,
  cron: env.CLOUDCASTING_CRON,
  download: {
    concurrency: env.CLOUDCASTING_DOWNLOAD_CONCURRENCY,
    retries: env.CLOUDCASTING_DOWNLOAD_RETRIES,
  },
  conversion: {
    resolution: env.CLOUDCASTING_RESOLUTION_DEG,
    boxes: {
      meteosat11: box(env.CLOUDCASTING_BBOX_METEOSAT11),
      meteosat10: box(env.CLOUDCASTING_BBOX_METEOSAT10),
    },
    deflateLevel: env.CLOUDCASTING_DEFLATE_LEVEL,
    predictor: env.CLOUDCASTING_TIFF_PREDICTOR as 1 | 3,
  },
  tiffMaxAgeSeconds: env.CLOUDCASTING_TIFF_MAX_AGE_SECONDS,
}));

export type CloudcastingConfig = ConfigOf<typeof cloudcastingConfig>;
