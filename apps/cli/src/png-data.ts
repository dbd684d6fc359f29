import { inflateSync } from 'node:zlib';
import { ImageError } from './errors.js';

/** Samples per pixel of each PNG colour type (greyscale, RGB, palette, grey + alpha, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes: [x start, y start, x step, y step]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Bytes of filtered scanlines (one filter byte per row) a PNG of this header must inflate to. */
function expectedBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean) {
  const rows = (w: number, h: number) =>
    w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8));
  if (!interlaced) return rows(width, height);
  return ADAM7.reduce(
    (n, [x0, y0, dx, dy]) => n + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)),
    0,
  );
}

/**
 * Checks that a PNG's compressed pixel data is intact and exactly as long as its header's size
 * needs. pngjs decodes damaged or short data as black pixels without an error, which would be a
 * silently wrong input; this makes it an ImageError. Call after the size passed the pixel limit:
 * the check inflates the data once (bounded by the expected size).
 */
export function checkPngData(bytes: Uint8Array, width: number, height: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bitDepth = bytes[24];
  const colorType = bytes[25];
  const interlaced = bytes[28] === 1;
  const channels = CHANNELS[colorType];
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(bitDepth)) {
    throw new ImageError(
      'image-header',
      `PNG colour type ${colorType} with bit depth ${bitDepth} is not valid`,
    );
  }
  const parts: Uint8Array[] = [];
  let pos = 8;
  while (pos + 12 <= bytes.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (pos + 12 + length > bytes.length) {
      throw new ImageError(
        'image-decode',
        `PNG chunk ${JSON.stringify(type)} runs past the end of the file`,
      );
    }
    if (type === 'IDAT') parts.push(bytes.subarray(pos + 8, pos + 8 + length));
    if (type === 'IEND') break;
    pos += 12 + length;
  }
  const expected = expectedBytes(width, height, bitDepth * channels, interlaced);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(Buffer.concat(parts), { maxOutputLength: expected + 1 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ImageError(
        'image-decode',
        `PNG pixel data is longer than its ${width} x ${height} header needs (${expected} bytes)`,
      );
    }
    throw new ImageError('image-decode', `PNG pixel data is damaged (${(error as Error).message})`);
  }
  if (inflated.length !== expected) {
    throw new ImageError(
      'image-decode',
      `PNG pixel data holds ${inflated.length} bytes, its ${width} x ${height} header needs ${expected}`,
    );
  }
}
