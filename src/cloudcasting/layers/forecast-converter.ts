import { encodeGeoTiff } from '../geo/geotiff-writer.js';
import { geosProjectionFromAttrs, GeosProjection } from '../geo/geos-projection.js';
import { BoundingBox, GeosRegridder, gridFor } from '../geo/regridder.js';
import type { SatPredForecast } from '../zarr/sat-pred-reader.js';
import type { LayerSetDraft } from './layer-set-store.js';
import { layerStatistics, LayerStatistics } from './layer-statistics.js';

export interface ConversionOptions {
  resolution: number;
  /** Output boxes by sub-satellite longitude: Meteosat-10 (0.0) and Meteosat-11 (9.5, also the fallback). */
  boxes: { meteosat10: BoundingBox; meteosat11: BoundingBox };
  deflateLevel: number;
  predictor: 1 | 3;
  /** Layers in flight at once: compression runs on libuv's pool while the next layer is regridded. */
  parallelLayers?: number;
  onLayer?: (done: number, total: number) => void;
}

export interface ConversionResult {
  projection: GeosProjection;
  box: BoundingBox;
  grid: ReturnType<typeof gridFor>;
  layerCount: number;
  totalBytes: number;
  /** Per channel, one entry per step index. */
  statistics: Record<string, LayerStatistics[]>;
}

/** Regrids and encodes every (channel, step) of a forecast into the draft set. */
export async function convertForecast(
  forecast: SatPredForecast,
  draft: LayerSetDraft,
  options: ConversionOptions,
): Promise<ConversionResult> {
  const projection = geosProjectionFromAttrs(forecast.attrs);
  const box = Math.abs(projection.lon0) < 1 ? options.boxes.meteosat10 : options.boxes.meteosat11;
  const grid = gridFor(box, options.resolution);
  const regridder = new GeosRegridder(grid, projection.proj4, forecast.x, forecast.y);
  const layerSize = forecast.x.length * forecast.y.length;
  const layers = forecast.channels.flatMap((channel, c) =>
    forecast.stepsMinutes.map((_, s) => ({
      channel,
      stepIndex: s,
      offset: (c * forecast.stepsMinutes.length + s) * layerSize,
    })),
  );

  const statistics: Record<string, LayerStatistics[]> = Object.fromEntries(
    forecast.channels.map((channel) => [channel, []]),
  );
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < layers.length) {
      const layer = layers[next++];
      const values = regridder.apply(forecast.data, layer.offset);
      const tiff = await encodeGeoTiff(values, grid, {
        level: options.deflateLevel,
        predictor: options.predictor,
      });
      statistics[layer.channel][layer.stepIndex] = layerStatistics(values);
      await draft.writeLayer(layer.channel, layer.stepIndex, tiff);
      options.onLayer?.(++done, layers.length);
    }
  };
  await Promise.all(Array.from({ length: options.parallelLayers ?? 4 }, worker));
  return {
    projection,
    box,
    grid,
    layerCount: draft.layerCount,
    totalBytes: draft.totalBytes,
    statistics,
  };
}
