import { validateSync } from 'class-validator';
import { readEnv } from '../config/env.js';
import { cloudcastingConfig, CloudcastingEnv } from './cloudcasting.config.js';

describe('cloudcasting config', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads booleans as written (false stays false)', () => {
    expect(readEnv(CloudcastingEnv, { CLOUDCASTING_CRON_ENABLED: 'false' }).CLOUDCASTING_CRON_ENABLED).toBe(
      false,
    );
    expect(readEnv(CloudcastingEnv, { CLOUDCASTING_CRON_ENABLED: 'true' }).CLOUDCASTING_CRON_ENABLED).toBe(
      true,
    );
    expect(readEnv(CloudcastingEnv, {}).CLOUDCASTING_CRON_ENABLED).toBe(true);
  });

  it('maps a file:// source, S3 settings and boxes', () => {
    process.env.CLOUDCASTING_SOURCE = 'file:///srv/demo%20zarr';
    expect(cloudcastingConfig().source).toEqual({ kind: 'directory', dir: '/srv/demo zarr' });
    process.env.CLOUDCASTING_SOURCE = 's3';
    process.env.CLOUDCASTING_S3_BUCKET = 'b';
    process.env.CLOUDCASTING_S3_ENDPOINT = 'http://127.0.0.1:9000';
    const config = cloudcastingConfig();
    expect(config.source).toMatchObject({ kind: 's3', bucket: 'b', endpoint: 'http://127.0.0.1:9000' });
    expect(config.conversion.boxes.meteosat11).toEqual({ west: -19, south: 42, east: 15, north: 65 });
  });

  it('refuses bad values', () => {
    const errors = validateSync(
      readEnv(CloudcastingEnv, {
        CLOUDCASTING_SOURCE: 'ftp://x',
        CLOUDCASTING_BBOX_METEOSAT11: '1,2,3',
        CLOUDCASTING_TIFF_PREDICTOR: '2',
      }),
    );
    expect(errors.map((e) => e.property).sort()).toEqual([
      'CLOUDCASTING_BBOX_METEOSAT11',
      'CLOUDCASTING_SOURCE',
      'CLOUDCASTING_TIFF_PREDICTOR',
    ]);
  });
});
