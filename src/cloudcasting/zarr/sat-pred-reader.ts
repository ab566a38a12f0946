import FileSystemStore from '@zarrita/storage/fs';
import pLimit from 'p-limit';
import * as zarr from 'zarrita';
import { CLOUDCASTING_CHANNELS } from './sat-pred-store-writer.js';

/** The newest forecast of a store, all channels and steps in memory (about 120 MB at full size). */
export interface SatPredForecast {
  initTime: Date | null;
  channels: string[];
  stepsMinutes: number[];
  /** Geostationary pixel centres in metres. */
  x: Float64Array;
  y: Float64Array;
  attrs: Record<string, unknown>;
  /** C order (channel, step, y, x). */
  data: Float32Array;
  warnings: string[];
}

export class SatPredFormatError extends Error {}

const DEFAULT_STEPS = Array.from({ length: 12 }, (_, i) => (i + 1) * 15);
const TIME_DIMS = ['init_time', 'init_time_utc'];
const CHANNEL_DIMS = ['variable', 'channel'];

type AnyArray = zarr.Array<zarr.DataType, FileSystemStore>;

/**
 * Reads `sat_pred` and its coordinates from a local Zarr store (v2 or v3; zarrita detects which). Dimension names
 * come from v3 `dimension_names` or v2 `_ARRAY_DIMENSIONS`; both the original (`init_time`, `variable`) and the
 * newer (`init_time_utc`, `channel`) spellings are accepted.
 */
export async function readSatPred(storeDir: string): Promise<SatPredForecast> {
  const root = zarr.root(new FileSystemStore(storeDir));
  const warnings: string[] = [];
  const satPred = await openArray(root, 'sat_pred');
  if (!satPred) throw new SatPredFormatError('The store has no sat_pred array');
  if (satPred.shape.length !== 5)
    throw new SatPredFormatError(`sat_pred has ${satPred.shape.length} dimensions, expected 5`);
  const dims = satPred.dimensionNames ?? [];
  const [timeDim, channelDim, stepDim, yDim, xDim] = dims.length === 5 ? dims : [];
  if (dims.length === 5) {
    const expected = [TIME_DIMS, CHANNEL_DIMS, ['step'], ['y_geostationary'], ['x_geostationary']];
    dims.forEach((dim, i) => {
      if (!expected[i].includes(dim))
        throw new SatPredFormatError(
          `sat_pred dimension ${i} is "${dim}", expected ${expected[i].join(' or ')} (dims: ${dims.join(', ')})`,
        );
    });
  } else {
    warnings.push('sat_pred has no dimension names; assuming (init_time, variable, step, y, x)');
  }
  const [times, nChannels, nSteps, ny, nx] = satPred.shape;
  if (times < 1) throw new SatPredFormatError('sat_pred has no init time');
  const t = times - 1;

  const xs = await readNumbers(root, xDim ?? 'x_geostationary');
  const ys = await readNumbers(root, yDim ?? 'y_geostationary');
  if (!xs || xs.values.length !== nx || !ys || ys.values.length !== ny)
    throw new SatPredFormatError('x_geostationary / y_geostationary are missing or do not match sat_pred');

  let channels = await optional(readStrings(root, channelDim ?? 'variable'), warnings);
  if (!channels || channels.length !== nChannels) {
    if (nChannels !== CLOUDCASTING_CHANNELS.length)
      throw new SatPredFormatError(`No channel names for ${nChannels} channels`);
    warnings.push('No channel coordinate; assuming the 11 SEVIRI channels in the usual order');
    channels = CLOUDCASTING_CHANNELS;
  }

  let stepsMinutes: number[] | undefined;
  const steps = await optional(readNumbers(root, stepDim ?? 'step'), warnings);
  if (steps && steps.values.length === nSteps) stepsMinutes = toMinutes(steps.values, steps.units);
  if (!stepsMinutes) {
    if (nSteps !== DEFAULT_STEPS.length)
      throw new SatPredFormatError(`No step coordinate for ${nSteps} steps`);
    warnings.push('No usable step coordinate; assuming 15 to 180 minutes');
    stepsMinutes = DEFAULT_STEPS;
  }

  const time = await optional(readNumbers(root, timeDim ?? 'init_time'), warnings);
  const initTime = time ? cfTime(time.values[t], time.units) : null;
  if (!initTime) warnings.push('No decodable init time');

  const chunk = await zarr.get(satPred, [t, null, null, null, null], { createQueue: boundedQueue });
  const data = toFloat32(chunk.data as ArrayLike<number>);
  return {
    initTime,
    channels: [...channels],
    stepsMinutes,
    x: Float64Array.from(xs.values),
    y: Float64Array.from(ys.values),
    attrs: satPred.attrs,
    data,
    warnings,
  };
}

/**
 * zarrita fetches and decodes every chunk of a selection at once by default; for 132 chunks that holds the whole
 * compressed store plus the decoded chunks in memory on top of the result. A few at a time keep both cores busy.
 */
function boundedQueue() {
  const limit = pLimit(4);
  const pending: Promise<void>[] = [];
  return {
    add: (fn: () => Promise<void>) => void pending.push(limit(fn)),
    onIdle: () => Promise.all(pending),
  };
}

/** A coordinate zarrita cannot decode (e.g. a numpy timedelta64 dtype) falls back to the defaults, with a warning. */
async function optional<T>(read: Promise<T | undefined>, warnings: string[]): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    warnings.push(`Unreadable coordinate: ${(e as Error).message}`);
    return undefined;
  }
}

async function openArray(root: zarr.Location<FileSystemStore>, name: string): Promise<AnyArray | undefined> {
  try {
    return await zarr.open(root.resolve(name), { kind: 'array' });
  } catch (e) {
    if (e instanceof zarr.NotFoundError) return undefined;
    throw e;
  }
}

async function readNumbers(
  root: zarr.Location<FileSystemStore>,
  name: string,
): Promise<{ values: number[]; units: string } | undefined> {
  const array = await openArray(root, name);
  if (!array) return undefined;
  const { data } = await zarr.get(array, null);
  const values = Array.from(data as ArrayLike<number | bigint>, Number);
  if (values.some((v) => typeof v !== 'number')) return undefined;
  const units = typeof array.attrs.units === 'string' ? array.attrs.units : '';
  return { values, units };
}

async function readStrings(
  root: zarr.Location<FileSystemStore>,
  name: string,
): Promise<string[] | undefined> {
  const array = await openArray(root, name);
  if (!array) return undefined;
  const { data } = await zarr.get(array, null);
  // zarrita gives fixed-width strings as UnicodeStringArray/ByteStringArray (iterable) and v3 strings as string[].
  const values = Array.from(data as Iterable<unknown>, (v) => String(v));
  return values.every((v) => v.length > 0) ? values : undefined;
}

function toFloat32(values: ArrayLike<number>): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

const UNIT_MINUTES: Record<string, number> = {
  nanoseconds: 1 / 60e9,
  microseconds: 1 / 60e6,
  milliseconds: 1 / 60e3,
  seconds: 1 / 60,
  minutes: 1,
  hours: 60,
  days: 1440,
};

/** Steps as CF durations (`minutes`, `hours`, `nanoseconds` ...); without units, nanoseconds (numpy timedelta64). */
function toMinutes(values: number[], units: string): number[] | undefined {
  const factor = UNIT_MINUTES[units.trim().toLowerCase() || 'nanoseconds'];
  if (factor === undefined) return undefined;
  return values.map((v) => Math.round(v * factor * 1000) / 1000);
}

/** A CF time (`<unit> since <date>`); without units, nanoseconds since the epoch (numpy datetime64). */
export function cfTime(value: number, units: string): Date | null {
  const match = /^\s*(\w+)\s+since\s+(.+?)\s*$/.exec(units);
  const unit = match ? match[1].toLowerCase() : 'nanoseconds';
  const factor = UNIT_MINUTES[unit];
  if (factor === undefined || !Number.isFinite(value)) return null;
  let epoch = 0;
  if (match) {
    const iso = match[2].replace(' ', 'T');
    const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
    if (Number.isNaN(parsed)) return null;
    epoch = parsed;
  }
  const date = new Date(epoch + value * factor * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}
