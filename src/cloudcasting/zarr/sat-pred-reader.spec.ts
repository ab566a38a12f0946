import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cfTime, readSatPred } from './sat-pred-reader.js';
import { writeSatPredStore, ZarrCodec, ZarrFormat } from './sat-pred-store-writer.js';

const field = (c: number, s: number, x: number, y: number) => 1000 * c + 10 * s + x / 1e5 - y / 1e6;

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'sat-pred-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('readSatPred', () => {
  it.each<[ZarrFormat, ZarrCodec, 'legacy' | 'new']>([
    [2, 'gzip', 'legacy'],
    [2, 'blosc', 'new'],
    [2, 'zstd', 'legacy'],
    [3, 'gzip', 'new'],
    [3, 'blosc', 'legacy'],
    [3, 'zstd', 'new'],
  ])('reads a v%i store with %s chunks (%s dimension names)', async (format, codec, dimNaming) => {
    const x = Array.from({ length: 60 }, (_, i) => -900_000 + i * 3000);
    const y = Array.from({ length: 40 }, (_, j) => 4_800_000 - j * 3000);
    const initTime = new Date('2025-06-01T12:15:00Z');
    await writeSatPredStore(dir, {
      format,
      codec,
      dimNaming,
      initTime,
      channels: ['IR_108', 'VIS006'],
      stepsMinutes: [15, 30, 45],
      x,
      y,
      platformName: 'Meteosat-11',
      field,
    });
    const forecast = await readSatPred(dir);
    expect(forecast.channels).toEqual(['IR_108', 'VIS006']);
    expect(forecast.stepsMinutes).toEqual([15, 30, 45]);
    expect(forecast.initTime?.toISOString()).toBe(initTime.toISOString());
    expect(forecast.attrs.platform_name).toBe('Meteosat-11');
    expect(Array.from(forecast.x)).toEqual(x);
    expect(Array.from(forecast.y)).toEqual(y);
    expect(forecast.warnings).toEqual([]);
    expect(forecast.data.length).toBe(2 * 3 * 40 * 60);
    const at = (c: number, s: number, j: number, i: number) => forecast.data[((c * 3 + s) * 40 + j) * 60 + i];
    expect(at(1, 2, 7, 11)).toBeCloseTo(field(1, 2, x[11], y[7]), 3);
    expect(at(0, 1, 39, 59)).toBeCloseTo(field(0, 1, x[59], y[39]), 3);
  });

  it('falls back to the standard steps when the step coordinate cannot be decoded', async () => {
    await writeSatPredStore(dir, {
      format: 2,
      codec: 'gzip',
      initTime: new Date('2025-06-01T12:00:00Z'),
      channels: ['IR_108'],
      stepsMinutes: Array.from({ length: 12 }, (_, i) => (i + 1) * 15),
      x: [0, 3000],
      y: [3000, 0],
      field,
    });
    // numpy timedelta64 as written without CF encoding: a dtype zarrita does not know.
    const zarray = join(dir, 'step', '.zarray');
    const meta = JSON.parse(await readFile(zarray, 'utf8')) as Record<string, unknown>;
    await writeFile(zarray, JSON.stringify({ ...meta, dtype: '<m8[ns]' }));
    const forecast = await readSatPred(dir);
    expect(forecast.stepsMinutes).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 15));
    expect(forecast.warnings.join(' ')).toMatch(/step/);
  });

  it('explains what is wrong with a store without sat_pred', async () => {
    await expect(readSatPred(dir)).rejects.toThrow(/no sat_pred/);
  });
});

describe('cfTime', () => {
  it('decodes CF units and bare numpy nanoseconds', () => {
    expect(cfTime(90, 'minutes since 2025-01-01 00:00:00')?.toISOString()).toBe('2025-01-01T01:30:00.000Z');
    expect(cfTime(1.5, 'hours since 2025-01-01T00:00:00+00:00')?.toISOString()).toBe(
      '2025-01-01T01:30:00.000Z',
    );
    expect(cfTime(1_700_000_000e9, '')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(cfTime(1, 'fortnights since 2025-01-01')).toBeNull();
  });
});
