import { sniffImageType } from './observation-image.js';

describe('sniffImageType', () => {
  it('recognises JPEG and PNG by their magic bytes', () => {
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(
      'image/png',
    );
  });

  it('refuses anything else, whatever its name', () => {
    expect(sniffImageType(Buffer.from('GIF89a....'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('<svg></svg>'))).toBeUndefined();
    expect(sniffImageType(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageType(Buffer.alloc(0))).toBeUndefined();
  });
});
