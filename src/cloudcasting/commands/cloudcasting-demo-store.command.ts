import { ConfigService } from '@nestjs/config';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { AppConfig } from '../../config/app.config.js';
import { writeSatPredStore } from '../zarr/sat-pred-store-writer.js';
import { syntheticForecast } from '../zarr/synthetic-forecast.js';

interface Options {
  dir: string;
}

/** A small synthetic forecast store for the demo run (`CLOUDCASTING_SOURCE=file://<dir>`). */
@Command({
  name: 'cloudcasting:demo-store',
  description: 'Write a small synthetic Zarr v3 forecast store for the demo [--dir ./data/demo-zarr]',
})
export class CloudcastingDemoStoreCommand extends CommandRunner {
  constructor(private readonly config: ConfigService) {
    super();
  }

  async run(_args: string[], options: Options): Promise<void> {
    if (!this.config.getOrThrow<AppConfig>('app').demoDataAllowed)
      throw new Error(
        'cloudcasting:demo-store does not run in production (unless DEMO_DATA=true, for a demo deployment)',
      );
    const dir = resolve(options.dir ?? './data/demo-zarr');
    await rm(dir, { recursive: true, force: true });
    const initTime = new Date(Math.floor(Date.now() / 900_000) * 900_000);
    // 12 km pixels: the real grid's extent at a quarter of its resolution, a few MB on disk.
    await writeSatPredStore(
      dir,
      syntheticForecast({ format: 3, codec: 'blosc', width: 154, height: 93, pixelMetres: 12_000, initTime }),
    );
    console.log(`Wrote a demo forecast (init time ${initTime.toISOString()}) to ${dir}`);
    console.log(`Serve it with CLOUDCASTING_SOURCE=file://${dir}`);
  }

  @Option({
    flags: '--dir <dir>',
    description: 'Target directory (replaced)',
    defaultValue: './data/demo-zarr',
  })
  parseDir(value: string): string {
    return value;
  }
}
