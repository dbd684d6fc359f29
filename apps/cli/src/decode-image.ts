import { readFileSync, statSync } from 'node:fs';
import type { RgbaImage } from '@pabnn/convert';
import { checkImageSize, checkLimit, type Limits, resolveLimits } from '@pabnn/ir';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageError, UsageError } from './errors.js';
import { checkJpegData } from './jpeg-data.js';
import { checkPngData } from './png-data.js';

/**
 * Decodes a JPEG or PNG file to RGBA bytes. The file is untrusted: its byte size
 * (maxFileBytes) and the width x height its header declares (maxImagePixels) are checked
 * before it is read and decoded, so a tiny file claiming 20000 x 20000 pixels is a LimitError,
 * not gigabytes or a native abort; a file that is not PNG or JPEG is an ImageFormatError and
 * one that does not decode an ImageError, each naming the file.
 */
export function decodeImage(path: string, limits: Limits = resolveLimits()): RgbaImage {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`no such file: ${path}`);
  }
  checkLimit(limits, 'maxFileBytes', size, `${path}: the file size in bytes`);
  const bytes = readFileSync(path);
  const { format, width, height } = checkImageSize(bytes, limits, path);
  try {
    if (format === 'png') {
      checkPngData(bytes, width, height);
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: png.data };
    }
    checkJpegData(bytes.length, width, height);
    return jpeg.decode(bytes, {
      useTArray: true,
      maxResolutionInMP: limits.maxImagePixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((limits.maxImagePixels * 8) / 2 ** 20) + 64,
    });
  } catch (error) {
    const reason = (error as Error).message;
    throw new ImageError('image-decode', `${path}: cannot decode the image (${reason})`);
  }
}
