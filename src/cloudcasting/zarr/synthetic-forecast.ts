import proj4 from 'proj4';
import { geosProj4 } from '../geo/geos-projection.js';
import { CLOUDCASTING_CHANNELS, SatPredStoreSpec, ZarrCodec, ZarrFormat } from './sat-pred-store-writer.js';

export interface SyntheticForecastOptions {
  format: ZarrFormat;
  codec: ZarrCodec;
  width: number;
  height: number;
  /** Pixel size in geostationary metres (SEVIRI over Europe: 3 km). */
  pixelMetres: number;
  initTime: Date;
}

/**
 * A plausible Meteosat-11 forecast over Europe for the demo run and the benchmark: smooth cloud-like bands in
 * [0, 1] drifting with the step, on a grid centred over the UK and the North Sea like the OCF output.
 */
export function syntheticForecast(options: SyntheticForecastOptions): SatPredStoreSpec {
  const [cx, cy] = proj4('EPSG:4326', geosProj4(9.5)).forward([-2, 53.5]);
  const x = Array.from(
    { length: options.width },
    (_, i) => cx + (i - (options.width - 1) / 2) * options.pixelMetres,
  );
  const y = Array.from(
    { length: options.height },
    (_, j) => cy - (j - (options.height - 1) / 2) * options.pixelMetres,
  );
  return {
    format: options.format,
    codec: options.codec,
    initTime: options.initTime,
    channels: CLOUDCASTING_CHANNELS,
    stepsMinutes: Array.from({ length: 12 }, (_, s) => (s + 1) * 15),
    x,
    y,
    platformName: 'Meteosat-11',
    dimNaming: 'legacy',
    field: (c, s, gx, gy) =>
      Math.max(
        0,
        Math.min(1, 0.5 + 0.4 * Math.sin(gx / 2.5e5 + s * 0.15 + c) * Math.cos(gy / 1.8e5 - s * 0.1)),
      ),
  };
}
