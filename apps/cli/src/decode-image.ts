import { readFileSync } from 'node:fs';
import type { RgbaImage } from '@pabnn/convert';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { UsageError } from './errors.js';

/** Decodes a JPEG or PNG file to RGBA bytes. */
export function decodeImage(path: string): RgbaImage {
  const bytes = readFileSync(path);
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: png.data };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8)
      return jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 1024 });
  } catch (error) {
    throw new UsageError(`${path}: cannot decode the image (${(error as Error).message})`);
  }
  throw new UsageError(`${path}: not a JPEG or PNG file`);
}
