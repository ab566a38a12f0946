import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { convertForecast } from '../src/cloudcasting/layers/forecast-converter.js';
import { LayerSetStore, PublishedSet } from '../src/cloudcasting/layers/layer-set-store.js';
import { readSatPred } from '../src/cloudcasting/zarr/sat-pred-reader.js';
import { writeSatPredStore } from '../src/cloudcasting/zarr/sat-pred-store-writer.js';
import { syntheticForecast } from '../src/cloudcasting/zarr/synthetic-forecast.js';
import { LayerTiles } from '../src/cloudcasting/tiles/layer-tiles.js';
import { tileIntersects } from '../src/cloudcasting/tiles/tile-renderer.js';
import { table } from './lib.js';

/**
 * `npm run bench:tiles`: publishes a full-size forecast channel (614 x 372 SEVIRI pixels, 12 steps, regridded to
 * the 0.075° Meteosat-11 box as production does), then times PNG tile renders of random tiles over it at zooms
 * 3-8 (the map's range):
 *   cold: an empty block cache, so each render opens the COG, reads and inflates the blocks it needs;
 *   warm: those blocks already decoded, so a render is the resampling pass, the colour map and the PNG encoding.
 * titiler's CI figure for a tile of a local COG is 20 ms; the target is p50 below it.
 */
const OUT = resolve('bench/out/tiles');
const COLD = Number(process.env.BENCH_TILES_COLD ?? 200);
const WARM = Number(process.env.BENCH_TILES_WARM ?? 2000);

async function publish(): Promise<PublishedSet> {
  await rm(OUT, { recursive: true, force: true });
  const storeDir = join(OUT, 'store.zarr');
  const spec = syntheticForecast({
    format: 2,
    codec: 'blosc',
    width: 614,
    height: 372,
    pixelMetres: 3000,
    initTime: new Date('2025-06-01T12:00:00Z'),
  });
  await writeSatPredStore(storeDir, { ...spec, channels: ['IR_108'] });
  const forecast = await readSatPred(storeDir);
  const store = new LayerSetStore(join(OUT, 'layers'));
  const setId = store.newSetId();
  const draft = await store.begin(setId);
  const result = await convertForecast(forecast, draft, {
    resolution: 0.075,
    boxes: {
      meteosat11: { west: -19, south: 42, east: 15, north: 65 },
      meteosat10: { west: -25, south: 35, east: 25, north: 70 },
    },
    deflateLevel: 1,
    predictor: 3,
  });
  const { grid } = result;
  return store.publish(draft, {
    set_id: setId,
    init_time: forecast.initTime?.toISOString() ?? null,
    source_last_modified: new Date().toISOString(),
    platform_name: 'Meteosat-11',
    lon0: result.projection.lon0,
    channels: forecast.channels,
    steps_minutes: forecast.stepsMinutes,
    grid: {
      ...grid,
      east: grid.west + grid.width * grid.resolution,
      south: grid.north - grid.height * grid.resolution,
    },
    layer_count: result.layerCount,
    total_bytes: result.totalBytes,
    published_at: new Date().toISOString(),
    statistics: result.statistics,
  });
}

/** Every tile at zooms 3-8 that overlaps the layer (a deterministic shuffle of them). */
function tilesOver(set: PublishedSet): { z: number; x: number; y: number }[] {
  const { grid } = set.manifest;
  const raster = { ...grid, data: new Float32Array(0) };
  const tiles: { z: number; x: number; y: number }[] = [];
  for (let z = 3; z <= 8; z++)
    for (let x = 0; x < 2 ** z; x++)
      for (let y = 0; y < 2 ** z; y++) if (tileIntersects(raster, z, x, y)) tiles.push({ z, x, y });
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = tiles.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [tiles[i], tiles[j]] = [tiles[j], tiles[i]];
  }
  return tiles;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time(samples: number, render: (i: number) => Promise<Buffer>) {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    bytes += (await render(i)).length;
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), meanBytes: bytes / samples };
}

async function main(): Promise<void> {
  const set = await publish();
  const tiles = tilesOver(set);
  const style = { colormap: 'viridis' as const, min: 0, max: 1 };
  const steps = set.manifest.steps_minutes.length;
  console.log(
    `${tiles.length} tiles at zooms 3-8 over a ${set.manifest.grid.width} x ${set.manifest.grid.height} layer`,
  );

  const cold = await time(COLD, (i) =>
    new LayerTiles().tile(set, 'IR_108', i % steps, tiles[i % tiles.length], style),
  );
  // Warm: the same renders again, with every block they need already decoded (a cache big enough for all).
  const warmTiles = new LayerTiles(4096);
  const warmRender = (i: number) => warmTiles.tile(set, 'IR_108', i % steps, tiles[i % tiles.length], style);
  await time(WARM, warmRender);
  const warm = await time(WARM, warmRender);

  const row = (name: string, samples: number, r: typeof cold) => ({
    render: name,
    samples,
    'p50 ms': r.p50.toFixed(2),
    'p99 ms': r.p99.toFixed(2),
    'mean PNG KB': (r.meanBytes / 1024).toFixed(1),
  });
  table([row('cold (open COG, inflate blocks)', COLD, cold), row('warm (decoded blocks)', WARM, warm)]);
  const verdict = (ms: number) => (ms < 20 ? 'within' : 'OUTSIDE');
  console.log(
    `Target p50 < 20 ms (titiler, local COG): cold ${cold.p50.toFixed(2)} ms ${verdict(cold.p50)}, ` +
      `warm ${warm.p50.toFixed(2)} ms ${verdict(warm.p50)}`,
  );
  await rm(OUT, { recursive: true, force: true });
}

await main();
