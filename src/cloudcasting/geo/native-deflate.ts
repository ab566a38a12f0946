import { addDecoder, BaseDecoder } from 'geotiff';
import { inflateSync } from 'node:zlib';

/**
 * geotiff.js inflates DEFLATE tiles with pako (JavaScript) and undoes the floating-point predictor byte by byte
 * through generic code; together that is most of a cold tile render (opening a layer). This decoder inflates with
 * Node's zlib and undoes predictor 3 of single-band float32 tiles (what the layer writer makes) in one tight pass;
 * anything else goes through geotiff.js's own predictor code.
 */
class NativeDeflateDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const out = inflateSync(new Uint8Array(buffer));
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }

  override async decode(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const { predictor, bitsPerSample, tileWidth, samplesPerPixel } = this.parameters;
    const bits = typeof bitsPerSample === 'number' ? bitsPerSample : bitsPerSample[0];
    if (predictor !== 3 || bits !== 32 || (samplesPerPixel ?? 1) !== 1) return super.decode(buffer);
    return undoFloatingPointPredictor(new Uint8Array(this.decodeBlock(buffer)), tileWidth);
  }
}

/** Per row: running byte sums, then the four byte planes (most significant first) back into little-endian floats. */
export function undoFloatingPointPredictor(bytes: Uint8Array, width: number): ArrayBuffer {
  const rowBytes = width * 4;
  const rows = Math.floor(bytes.length / rowBytes);
  const out = new Uint32Array(rows * width);
  for (let row = 0; row < rows; row++) {
    const base = row * rowBytes;
    for (let i = base + 1; i < base + rowBytes; i++) bytes[i] += bytes[i - 1];
    const first = row * width;
    for (let i = 0; i < width; i++)
      out[first + i] =
        ((bytes[base + i] << 24) |
          (bytes[base + width + i] << 16) |
          (bytes[base + 2 * width + i] << 8) |
          bytes[base + 3 * width + i]) >>>
        0;
  }
  return out.buffer;
}

let registered = false;

/** Makes geotiff.js use this decoder for Adobe DEFLATE (8) and the old DEFLATE code (32946). Idempotent. */
export function useNativeDeflate(): void {
  if (registered) return;
  registered = true;
  addDecoder([8, 32946], () => Promise.resolve(NativeDeflateDecoder), undefined, false);
}
