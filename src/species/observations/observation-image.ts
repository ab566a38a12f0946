/** Largest accepted sighting photo. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export type ImageType = 'image/jpeg' | 'image/png';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The type the file's first bytes prove, whatever the client claimed; undefined for anything else. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= PNG.length && PNG.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

export const extensionOf = (type: ImageType) => (type === 'image/png' ? 'png' : 'jpg');
