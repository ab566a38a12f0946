import { fromArrayBuffer } from 'geotiff';
import { encodeGeoTiff } from './geotiff-writer.js';
import { useNativeDeflate } from './native-deflate.js';

/** One after another: geotiff.js imports its decoders lazily, and Jest's ESM loader trips on parallel imports. */
async function readAll(files: Buffer[]): Promise<Float32Array[]> {
  const bands: Float32Array[] = [];
  for (const file of files) bands.push(await read(file), await read(file, 2));
  return bands;
}

const grid = { west: -19, north: 65, resolution: 0.075, width: 300, height: 270 };

async function read(buffer: Buffer, image = 0): Promise<Float32Array> {
  const tiff = await fromArrayBuffer(new Uint8Array(buffer).buffer as ArrayBuffer);
  const [band] = (await (await tiff.getImage(image)).readRasters()) as unknown as Float32Array[];
  return band;
}

describe('useNativeDeflate', () => {
  it('decodes what geotiff.js decodes, for both predictors and the overviews', async () => {
    const data = Float32Array.from({ length: 300 * 270 }, (_, i) => Math.sin(i / 97) * 40 + 250);
    data[17] = NaN;
    const files = await Promise.all(
      [1, 3].map((predictor) => encodeGeoTiff(data, grid, { predictor: predictor as 1 | 3, tileSize: 128 })),
    );
    const byPako = await readAll(files);
    useNativeDeflate();
    const byZlib = await readAll(files);
    for (let i = 0; i < byPako.length; i++)
      expect(Buffer.from(byZlib[i].buffer).equals(Buffer.from(byPako[i].buffer))).toBe(true);
    expect(Buffer.from(byZlib[0].buffer).equals(Buffer.from(data.buffer))).toBe(true);
  });
});
