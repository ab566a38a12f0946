import type { Provider } from '@nestjs/common';
import { jobsConfig, JobsConfig } from '../jobs.config.js';
import { LocalObjectStorage } from './local-storage.js';
import { ObjectStorage } from './object-storage.js';
import { S3ObjectStorage } from './s3-storage.js';

/** S3 when `JOBS_S3_BUCKET` is set, else the local directory `JOBS_STORAGE_DIR`. */
export const objectStorageProvider: Provider = {
  provide: ObjectStorage,
  inject: [jobsConfig.KEY],
  useFactory: (config: JobsConfig): ObjectStorage =>
    config.s3 ? new S3ObjectStorage(config.s3) : new LocalObjectStorage(config.storageDir),
};
