// The upload path's checks run before the browser decodes anything, so they run here in Node:
// a hostile file must be refused before createImageBitmap (absent in Node) is reached.
import { ImageFormatError, LimitError } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { imageToPixels } from '../src/image-input.js';

/** A PNG signature and IHDR declaring width x height: all a header check reads. */
function pngClaiming(width: number, height: number): Blob {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return new Blob([bytes]);
}

describe('uploaded images', () => {
  it('refuses a PNG claiming 20000 x 20000 pixels before the browser decodes it', async () => {
    const run = imageToPixels(pngClaiming(20000, 20000));
    await expect(run).rejects.toBeInstanceOf(LimitError);
    await expect(run).rejects.toThrow(/the pixel count \(20000 x 20000\) is 400000000/);
  });

  it('refuses files that are not PNG or JPEG', async () => {
    await expect(imageToPixels(new Blob(['GIF89a...']))).rejects.toBeInstanceOf(ImageFormatError);
  });
});
