import { ImageError } from './errors.js';

/**
 * Pixels one byte of a JPEG can describe at most. Every 8 x 8 block costs at least one bit
 * (its DC code, even in a progressive file whose AC scans skip blocks in runs), so a byte
 * covers at most 8 blocks = 512 pixels; 1024 leaves a factor of 2 for headers being small.
 */
const PIXELS_PER_BYTE = 1024;

/**
 * Refuses a JPEG whose file is too small to hold the pixels its header declares: jpeg-js
 * decodes such a file anyway, at full size (a 2 KB file claiming 8192 x 8192 took 29 s and
 * 256 MB), producing an image of nothing.
 */
export function checkJpegData(fileBytes: number, width: number, height: number): void {
  const needed = Math.ceil((width * height) / PIXELS_PER_BYTE);
  if (fileBytes < needed) {
    throw new ImageError(
      'image-decode',
      `a ${width} x ${height} JPEG needs at least ${needed} bytes of data, the file has ${fileBytes}`,
    );
  }
}
