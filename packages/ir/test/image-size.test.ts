import { describe, expect, it } from 'vitest';
import {
  checkImageSize,
  ImageFormatError,
  imageSize,
  LimitError,
  resolveLimits,
} from '../src/index.js';

/** The first 24 bytes of a PNG: signature, then the IHDR chunk's length, type, width, height. */
function pngHead(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

/** A JPEG start: SOI, an APP0 segment of 4 bytes, then a baseline frame header (SOF0). */
function jpegHead(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array([
    0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0,
  ]);
  const view = new DataView(bytes.buffer);
  view.setUint16(13, height);
  view.setUint16(15, width);
  return bytes;
}

describe('image sizes from headers', () => {
  it('reads PNG and JPEG sizes without decoding', () => {
    expect(imageSize(pngHead(640, 480))).toEqual({ format: 'png', width: 640, height: 480 });
    expect(imageSize(jpegHead(300, 200))).toEqual({ format: 'jpeg', width: 300, height: 200 });
  });

  it('refuses declared sizes past maxImagePixels, and zero sizes, naming the file', () => {
    const limits = resolveLimits();
    const huge = () => checkImageSize(pngHead(2 ** 31 - 1, 2 ** 31 - 1), limits, 'x.png');
    expect(huge).toThrow(LimitError);
    expect(huge).toThrow(/x.png: the pixel count \(2147483647 x 2147483647\)/);
    expect(() => checkImageSize(jpegHead(65535, 65535), limits)).toThrow(
      /maxImagePixels = 67108864/,
    );
    expect(() => checkImageSize(pngHead(0, 7), limits, 'z.png')).toThrow(
      /z.png: the header declares 0 x 7 pixels/,
    );
    expect(checkImageSize(pngHead(8192, 8192), limits).width).toBe(8192);
  });

  it('names what is not a PNG or JPEG', () => {
    expect(() => imageSize(new TextEncoder().encode('GIF89a....'))).toThrow(ImageFormatError);
    expect(() =>
      checkImageSize(pngHead(1, 1).subarray(0, 20), resolveLimits(), 'short.png'),
    ).toThrow(/short.png: not a PNG file/);
    expect(() => imageSize(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toThrow(
      /no readable frame header/,
    );
  });
});
