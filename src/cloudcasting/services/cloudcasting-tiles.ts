import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { apiPath } from '../../common/http/api-prefix.js';
import { CloudcastingError, CloudcastingErrorCode } from '../cloudcasting.errors.js';
import type { PublishedSet } from '../layers/layer-set-store.js';
import { layerStatistics, LayerStatistics } from '../layers/layer-statistics.js';
import { ColormapName, legendStops, LegendStop } from '../tiles/colormaps.js';
import { LayerTiles } from '../tiles/layer-tiles.js';
import { encodePng } from '../tiles/tile-renderer.js';
import { isValidTile, nativeZoom } from '../tiles/web-mercator.js';
import { CloudcastingService } from './cloudcasting.service.js';

/** Decoded layer blocks kept in memory: 256 KB each, so at most 64 MB. */
const BLOCK_CACHE_ENTRIES = 256;

export const TILE_URL_TEMPLATE = apiPath('cloudcasting/tiles/{set}/{channel}/{step}/{z}/{x}/{y}.png');

export interface TileRequest {
  setId: string;
  channel: string;
  step: number;
  z: number;
  x: number;
  y: number;
  colormap: ColormapName;
  /** `min,max`; the layer's min and max when absent. */
  rescale?: string;
}

export interface RenderedTile {
  etag: string;
  /** Null when the client's If-None-Match already holds this ETag. */
  png: Buffer | null;
}

/**
 * Map tiles from the published layer sets, like titiler over a COG: the set id in the URL pins the bytes, so a
 * tile is rendered once per client and then served from its cache.
 */
@Injectable()
export class CloudcastingTiles {
  private readonly tiles = new LayerTiles(BLOCK_CACHE_ENTRIES);

  constructor(private readonly cloudcasting: CloudcastingService) {}

  async tile(request: TileRequest, ifNoneMatch?: string): Promise<RenderedTile> {
    const { setId, channel, step, z, x, y } = request;
    if (!isValidTile(z, x, y))
      throw new CloudcastingError(
        CloudcastingErrorCode.INVALID_TILE,
        `No tile ${z}/${x}/${y}: at zoom ${z} x and y run from 0 to ${2 ** Math.min(z, 24) - 1}`,
      );
    const set = await this.layer(setId, channel, step);
    const [min, max] = this.rescale(set, channel, step, request.rescale);
    const etag = `"${createHash('sha1')
      .update([setId, channel, step, z, x, y, request.colormap, min, max].join('/'))
      .digest('base64url')}"`;
    if (ifNoneMatch && ifNoneMatch.split(/\s*,\s*/).includes(etag)) return { etag, png: null };
    const png = await this.tiles.tile(
      set,
      channel,
      step,
      { z, x, y },
      { colormap: request.colormap, min, max },
    );
    return { etag, png };
  }

  /** TileJSON 3.0.0 for one layer; `origin` makes the tile URLs absolute, `query` is kept on them. */
  async tileJson(setId: string, channel: string, step: number, origin: string, query: URLSearchParams) {
    const set = await this.layer(setId, channel, step);
    const { grid } = set.manifest;
    const path = TILE_URL_TEMPLATE.replace('{set}', encodeURIComponent(setId))
      .replace('{channel}', encodeURIComponent(channel))
      .replace('{step}', String(step));
    const search = query.toString();
    const maxzoom = nativeZoom(grid.resolution);
    const minutes = set.manifest.steps_minutes[step];
    return {
      tilejson: '3.0.0',
      name: `${channel} +${minutes} min`,
      description: `Cloudcasting ${channel}, step ${step} (+${minutes} min) of set ${setId}`,
      version: '1.0.0',
      scheme: 'xyz',
      tiles: [`${origin}${path}${search ? `?${search}` : ''}`],
      minzoom: 0,
      maxzoom,
      bounds: [grid.west, grid.south, grid.east, grid.north],
      center: [(grid.west + grid.east) / 2, (grid.south + grid.north) / 2, Math.min(4, maxzoom)],
      attribution: 'Open Climate Fix cloudcasting',
    };
  }

  async statistics(setId: string, channel: string, step: number): Promise<LayerStatistics> {
    const set = await this.layer(setId, channel, step);
    return this.layerStatistics(set, channel, step);
  }

  legend(
    colormap: ColormapName,
    rescale: string | undefined,
  ): { min: number; max: number; stops: LegendStop[] } {
    const [min, max] = rescale ? parseRescale(rescale) : [0, 1];
    return { min, max, stops: legendStops(colormap, min, max) };
  }

  /** A horizontal colour ramp, `width` x `height` px, low values on the left. */
  legendPng(colormap: ColormapName, width: number, height: number): Buffer {
    const stops = legendStops(colormap, 0, 1, 256);
    const rgba = new Uint8Array(width * height * 4);
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = stops[Math.round((x / Math.max(width - 1, 1)) * 255)].color
        .slice(5, -1)
        .split(',')
        .map(Number);
      for (let y = 0; y < height; y++) rgba.set([r, g, b, Math.round(a * 255)], (y * width + x) * 4);
    }
    return encodePng(rgba, width, height);
  }

  private async layer(setId: string, channel: string, step: number): Promise<PublishedSet> {
    const set = await this.cloudcasting.requireSet(setId);
    this.cloudcasting.validateLayer(set, channel, step);
    return set;
  }

  private rescale(set: PublishedSet, channel: string, step: number, rescale?: string): [number, number] {
    if (rescale) return parseRescale(rescale);
    const stats = set.manifest.statistics?.[channel]?.[step];
    if (stats && stats.min !== null && stats.max !== null) return [stats.min, stats.max];
    return [0, 1];
  }

  private async layerStatistics(set: PublishedSet, channel: string, step: number): Promise<LayerStatistics> {
    const kept = set.manifest.statistics?.[channel]?.[step];
    if (kept) return kept;
    // A set published before statistics were kept: computed from the full-resolution layer.
    return layerStatistics(await this.tiles.fullLayer(set, channel, step));
  }
}

/** `min,max` as titiler takes it; anything else is INVALID_RESCALE. */
export function parseRescale(value: string): [number, number] {
  const parts = value.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[0] === parts[1])
    throw new CloudcastingError(
      CloudcastingErrorCode.INVALID_RESCALE,
      `rescale must be two different numbers "min,max", got "${value}"`,
    );
  return [parts[0], parts[1]];
}
