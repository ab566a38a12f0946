import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { writeSatPredStore } from '../../src/cloudcasting/zarr/sat-pred-store-writer.js';
import { syntheticForecast } from '../../src/cloudcasting/zarr/synthetic-forecast.js';

export const FIXTURE_CHANNELS = ['IR_108', 'VIS006'];
export const FIXTURE_INIT_TIME = new Date('2025-06-01T12:00:00Z');

/**
 * A small synthetic forecast (two channels, the real 12 steps, the demo's cloud-like bands) in a directory, and the
 * app settings that serve it from there (`file://` source, no cron). The layers are published by
 * `publishForecast` once the app runs.
 */
export async function forecastStore(): Promise<{ root: string; env: Record<string, string> }> {
  const root = await mkdtemp(join(tmpdir(), 'cloudcasting-fixture-'));
  const store = join(root, 'store.zarr');
  await writeSatPredStore(store, {
    ...syntheticForecast({
      format: 3,
      codec: 'gzip',
      width: 80,
      height: 48,
      pixelMetres: 24_000,
      initTime: FIXTURE_INIT_TIME,
    }),
    channels: FIXTURE_CHANNELS,
  });
  return {
    root,
    env: {
      CLOUDCASTING_SOURCE: `file://${store}`,
      CLOUDCASTING_DATA_DIR: join(root, 'data'),
      CLOUDCASTING_CRON_ENABLED: 'false',
    },
  };
}

/** Triggers a download as `adminToken` and waits until its layer set is served; returns the set id. */
export async function publishForecast(baseUrl: string, adminToken: string): Promise<string> {
  const trigger = await request(baseUrl)
    .post('/api/v1/cloudcasting/trigger-download')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ force: true })
    .expect(202);
  const jobId = (trigger.body as { job_id: string }).job_id;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = (await request(baseUrl).get('/api/v1/cloudcasting/download-status').expect(200)).body as {
      job_id: string | null;
      is_running: boolean;
      error: string | null;
    };
    if (status.job_id === jobId && !status.is_running) {
      if (status.error) throw new Error(`The forecast did not publish: ${status.error}`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`Download ${jobId} did not finish: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const layers = await request(baseUrl).get('/api/v1/cloudcasting/layers').expect(200);
  return (layers.body as { set_id: string }).set_id;
}
