import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export type ZarrFormat = 2 | 3;
export type ZarrCodec = 'gzip' | 'blosc' | 'zstd' | 'none';

/** Layer values of a synthetic forecast, as a function of geostationary metres. */
export type LayerField = (channelIndex: number, stepIndex: number, x: number, y: number) => number;

export interface SatPredStoreSpec {
  format: ZarrFormat;
  codec: ZarrCodec;
  initTime: Date;
  channels: string[];
  stepsMinutes: number[];
  /** Pixel centres in geostationary metres. */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  platformName?: string;
  /** `legacy`: init_time / variable (the OCF files so far); `new`: init_time_utc / channel. */
  dimNaming?: 'legacy' | 'new';
  field: LayerField;
}

export const CLOUDCASTING_CHANNELS = [
  'IR_016',
  'IR_039',
  'IR_087',
  'IR_097',
  'IR_108',
  'IR_120',
  'IR_134',
  'VIS006',
  'VIS008',
  'WV_062',
  'WV_073',
];

/**
 * Writes a cloudcasting-shaped Zarr store (what the OCF model publishes: `sat_pred` plus its coordinates, xarray
 * conventions) in v2 or v3 with gzip, blosc or zstd chunks, one chunk per (channel, step) layer so memory stays one
 * layer. Used by the tests, the benchmark and the demo data command; production only reads stores.
 */
export async function writeSatPredStore(dir: string, spec: SatPredStoreSpec): Promise<void> {
  const writer = new StoreWriter(dir, spec.format, spec.codec);
  const legacy = (spec.dimNaming ?? 'legacy') === 'legacy';
  const timeDim = legacy ? 'init_time' : 'init_time_utc';
  const channelDim = legacy ? 'variable' : 'channel';
  const nx = spec.x.length;
  const ny = spec.y.length;

  await writer.group({});
  await writer.array(
    'sat_pred',
    {
      shape: [1, spec.channels.length, spec.stepsMinutes.length, ny, nx],
      chunks: [1, 1, 1, ny, nx],
      dtype: 'float32',
      dims: [timeDim, channelDim, 'step', 'y_geostationary', 'x_geostationary'],
      attrs: spec.platformName ? { platform_name: spec.platformName } : {},
      fill: 'NaN',
    },
    async (chunk) => {
      const [, c, s] = chunk;
      const layer = new Float32Array(nx * ny);
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) layer[j * nx + i] = spec.field(c, s, spec.x[i], spec.y[j]);
      return new Uint8Array(layer.buffer);
    },
    (shape) => {
      const chunks: number[][] = [];
      for (let c = 0; c < shape[1]; c++) for (let s = 0; s < shape[2]; s++) chunks.push([0, c, s, 0, 0]);
      return chunks;
    },
  );
  await writer.simpleArray('x_geostationary', 'float64', ['x_geostationary'], Float64Array.from(spec.x), {
    units: 'm',
  });
  await writer.simpleArray('y_geostationary', 'float64', ['y_geostationary'], Float64Array.from(spec.y), {
    units: 'm',
  });
  await writer.simpleArray('step', 'int64', ['step'], BigInt64Array.from(spec.stepsMinutes, BigInt), {
    units: 'minutes',
  });
  await writer.simpleArray(
    timeDim,
    'int64',
    [timeDim],
    BigInt64Array.from([BigInt(Math.round(spec.initTime.getTime() / 1000))]),
    { units: 'seconds since 1970-01-01 00:00:00', calendar: 'proleptic_gregorian' },
  );
  await writer.stringArray(channelDim, spec.channels);
  await writer.finish();
}

type DType = 'float32' | 'float64' | 'int64';

interface ArraySpec {
  shape: number[];
  chunks: number[];
  dtype: DType;
  dims: string[];
  attrs: Record<string, unknown>;
  fill: number | string;
}

const V2_DTYPE: Record<DType, string> = { float32: '<f4', float64: '<f8', int64: '<i8' };
const ITEM_SIZE: Record<DType, number> = { float32: 4, float64: 8, int64: 8 };

class StoreWriter {
  /** Every v2 metadata document, for the consolidated `.zmetadata`. */
  private readonly consolidated: Record<string, unknown> = {};

  constructor(
    private readonly root: string,
    private readonly format: ZarrFormat,
    private readonly codec: ZarrCodec,
  ) {}

  async group(attrs: Record<string, unknown>): Promise<void> {
    if (this.format === 3) {
      await this.json('zarr.json', { zarr_format: 3, node_type: 'group', attributes: attrs });
    } else {
      await this.json('.zgroup', { zarr_format: 2 });
      await this.json('.zattrs', attrs);
    }
  }

  async simpleArray(
    name: string,
    dtype: DType,
    dims: string[],
    values: Float64Array | BigInt64Array,
    attrs: Record<string, unknown>,
  ): Promise<void> {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    await this.array(
      name,
      {
        shape: [values.length],
        chunks: [values.length],
        dtype,
        dims,
        attrs,
        fill: dtype === 'int64' ? 0 : 'NaN',
      },
      async () => bytes,
      () => [[0]],
    );
  }

  /** Strings: fixed-width `<U` in v2 (what xarray writes), variable-length UTF-8 in v3. */
  async stringArray(name: string, values: string[]): Promise<void> {
    const dims = [name];
    if (this.format === 2) {
      const width = Math.max(...values.map((v) => v.length));
      const bytes = new Uint8Array(values.length * width * 4);
      const view = new DataView(bytes.buffer);
      values.forEach((v, i) => {
        for (let k = 0; k < v.length; k++) view.setUint32((i * width + k) * 4, v.codePointAt(k) ?? 0, true);
      });
      await this.writeV2Meta(name, {
        zarr_format: 2,
        shape: [values.length],
        chunks: [values.length],
        dtype: `<U${width}`,
        compressor: null,
        fill_value: '',
        order: 'C',
        filters: null,
      });
      await this.writeV2Attrs(name, { _ARRAY_DIMENSIONS: dims });
      await this.write(`${name}/0`, bytes);
      return;
    }
    const encoded = values.map((v) => Buffer.from(v, 'utf8'));
    const out = Buffer.alloc(4 + encoded.reduce((n, b) => n + 4 + b.length, 0));
    out.writeUInt32LE(values.length, 0);
    let at = 4;
    for (const b of encoded) {
      out.writeUInt32LE(b.length, at);
      b.copy(out, at + 4);
      at += 4 + b.length;
    }
    await this.json(`${name}/zarr.json`, {
      zarr_format: 3,
      node_type: 'array',
      shape: [values.length],
      data_type: 'string',
      chunk_grid: { name: 'regular', configuration: { chunk_shape: [values.length] } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: '',
      codecs: [{ name: 'vlen-utf8', configuration: {} }],
      attributes: {},
      dimension_names: dims,
    });
    await this.write(`${name}/c/0`, out);
  }

  async array(
    name: string,
    spec: ArraySpec,
    chunkBytes: (chunk: number[]) => Promise<Uint8Array>,
    chunkList: (shape: number[]) => number[][],
  ): Promise<void> {
    if (this.format === 2) {
      await this.writeV2Meta(name, {
        zarr_format: 2,
        shape: spec.shape,
        chunks: spec.chunks,
        dtype: V2_DTYPE[spec.dtype],
        compressor: this.v2Compressor(spec.dtype),
        fill_value: spec.fill,
        order: 'C',
        filters: null,
      });
      await this.writeV2Attrs(name, { ...spec.attrs, _ARRAY_DIMENSIONS: spec.dims });
    } else {
      await this.json(`${name}/zarr.json`, {
        zarr_format: 3,
        node_type: 'array',
        shape: spec.shape,
        data_type: spec.dtype,
        chunk_grid: { name: 'regular', configuration: { chunk_shape: spec.chunks } },
        chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
        fill_value: spec.fill,
        codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, ...this.v3Codecs(spec.dtype)],
        attributes: spec.attrs,
        dimension_names: spec.dims,
      });
    }
    for (const chunk of chunkList(spec.shape)) {
      const key = this.format === 2 ? chunk.join('.') : `c/${chunk.join('/')}`;
      await this.write(`${name}/${key}`, await this.compress(await chunkBytes(chunk)));
    }
  }

  async finish(): Promise<void> {
    if (this.format === 2) {
      await this.json('.zmetadata', {
        zarr_consolidated_format: 1,
        metadata: { '.zgroup': { zarr_format: 2 }, '.zattrs': {}, ...this.consolidated },
      });
    }
  }

  private v2Compressor(dtype: DType): Record<string, unknown> | null {
    switch (this.codec) {
      case 'gzip':
        return { id: 'gzip', level: 1 };
      case 'blosc':
        return { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0, typesize: ITEM_SIZE[dtype] };
      case 'zstd':
        return { id: 'zstd', level: 3 };
      case 'none':
        return null;
    }
  }

  private v3Codecs(dtype: DType): Array<{ name: string; configuration: Record<string, unknown> }> {
    switch (this.codec) {
      case 'gzip':
        return [{ name: 'gzip', configuration: { level: 1 } }];
      case 'blosc':
        return [
          {
            name: 'blosc',
            configuration: {
              cname: 'zstd',
              clevel: 3,
              shuffle: 'shuffle',
              typesize: ITEM_SIZE[dtype],
              blocksize: 0,
            },
          },
        ];
      case 'zstd':
        return [{ name: 'zstd', configuration: { level: 3, checksum: false } }];
      case 'none':
        return [];
    }
  }

  private async compress(bytes: Uint8Array): Promise<Uint8Array> {
    switch (this.codec) {
      case 'gzip':
        return gzipAsync(bytes, { level: 1 });
      case 'blosc': {
        const { default: Blosc } = await import('numcodecs/blosc');
        const cname = this.format === 2 ? 'lz4' : 'zstd';
        // numcodecs' encoder shuffles with an item size of 1 byte; any reader decodes it from the chunk header.
        const codec = Blosc.fromConfig({
          cname,
          clevel: this.format === 2 ? 5 : 3,
          shuffle: 1,
          blocksize: 0,
        });
        return codec.encode(bytes);
      }
      case 'zstd': {
        const { default: Zstd } = await import('numcodecs/zstd');
        return Zstd.fromConfig({ level: 3 }).encode(bytes);
      }
      case 'none':
        return bytes;
    }
  }

  private async writeV2Meta(name: string, meta: Record<string, unknown>): Promise<void> {
    this.consolidated[`${name}/.zarray`] = meta;
    await this.json(`${name}/.zarray`, meta);
  }

  private async writeV2Attrs(name: string, attrs: Record<string, unknown>): Promise<void> {
    this.consolidated[`${name}/.zattrs`] = attrs;
    await this.json(`${name}/.zattrs`, attrs);
  }

  private async json(key: string, value: unknown): Promise<void> {
    await this.write(key, Buffer.from(JSON.stringify(value, null, 1)));
  }

  private async write(key: string, bytes: Uint8Array): Promise<void> {
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}
