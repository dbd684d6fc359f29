// Hostile images: tiny files whose headers claim enormous sizes, and files that are not images.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { crc32, ImageFormatError, LimitError, resolveLimits } from '@pabnn/ir';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/decode-image.js';
import { ImageError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'pabnn-images-'));

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A valid-looking RGBA PNG whose IHDR claims width x height, with `idat` as its only data. */
function pngClaiming(width: number, height: number, idat: Uint8Array, interlace = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, interlace], 8); // 8-bit RGBA, deflate, filter method 0, interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A real 4 x 4 PNG with one byte of its pixel data flipped (its chunk checksum no longer fits). */
function corruptPng(): Buffer {
  const bytes = PNG.sync.write(new PNG({ width: 4, height: 4 }));
  const idat = bytes.indexOf('IDAT');
  bytes[idat + 6] ^= 0xff;
  return bytes;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

// the 157-byte PNG of the report: 20000 x 20000 declared, a few zero rows compressed
const bomb = pngClaiming(20000, 20000, deflateSync(Buffer.alloc(80_000)).subarray(0, 100));
// the 68-byte PNG of the report: 2^31-1 x 2^31-1 declared (pngjs aborts the process on it)
const huge = pngClaiming(2 ** 31 - 1, 2 ** 31 - 1, new Uint8Array(11));
// a JPEG whose frame header (SOF0) claims 65535 x 65535
const jpegBomb = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0xff, 0xff, 0xff,
  0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9,
]);

function expectPixelLimit(path: string, value: number) {
  try {
    decodeImage(path);
  } catch (error) {
    expect(error).toBeInstanceOf(LimitError);
    expect((error as LimitError).limit).toBe('maxImagePixels');
    expect((error as LimitError).value).toBe(value);
    expect((error as Error).message).toContain(path);
    return;
  }
  throw new Error(`${path} was decoded`);
}

describe('image headers are checked before decoding', () => {
  it('refuses small PNG and JPEG files that declare huge sizes, with the pixel limit', () => {
    expect(bomb.length).toBeLessThan(200);
    expect(huge.length).toBe(68);
    expectPixelLimit(write('bomb.png', bomb), 20000 * 20000);
    expectPixelLimit(write('huge.png', huge), (2 ** 31 - 1) ** 2);
    expectPixelLimit(write('bomb.jpg', jpegBomb), 65535 * 65535);
  });

  it('decodes within an overridden limit and refuses one pixel past it', () => {
    const png = new PNG({ width: 30, height: 20 });
    const path = write('ok.png', PNG.sync.write(png));
    expect(decodeImage(path, resolveLimits({ maxImagePixels: 600 })).width).toBe(30);
    expect(() => decodeImage(path, resolveLimits({ maxImagePixels: 599 }))).toThrow(
      /the pixel count \(30 x 20\) is 600, over the limit maxImagePixels = 599/,
    );
    expect(() => decodeImage(path, resolveLimits({ maxFileBytes: 10 }))).toThrow(
      /ok.png: the file size in bytes is \d+, over the limit maxFileBytes = 10/,
    );
  });

  it('names files that are not images (ImageFormatError) or whose data is corrupt (ImageError)', () => {
    const text = write('text.png', new TextEncoder().encode('hello, not an image'));
    expect(() => decodeImage(text)).toThrow(ImageFormatError);
    expect(() => decodeImage(text)).toThrow(/text.png: not a JPEG or PNG file/);
    const corrupt = write('corrupt.png', corruptPng());
    expect(() => decodeImage(corrupt)).toThrow(ImageError);
    expect(() => decodeImage(corrupt)).toThrow(/corrupt.png: cannot decode the image/);
    const noFrame = write('noframe.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    expect(() => decodeImage(noFrame)).toThrow(/no readable frame header/);
    const zero = write('zero.png', pngClaiming(0, 5, new Uint8Array(3)));
    expect(() => decodeImage(zero)).toThrow(/declares 0 x 5 pixels/);
  });

  it('refuses PNG pixel data that is damaged, short or long (pngjs would decode black pixels)', () => {
    const rows = (n: number) => deflateSync(Buffer.alloc(n)); // 4 x 4 RGBA: 4 rows of 1 + 16 bytes
    expect(decodeImage(write('exact.png', pngClaiming(4, 4, rows(68)))).width).toBe(4);
    expect(() =>
      decodeImage(write('garbage.png', pngClaiming(4, 4, new Uint8Array([1, 2, 3, 4])))),
    ).toThrow(/garbage.png: cannot decode the image \(PNG pixel data is damaged/);
    expect(() => decodeImage(write('short.png', pngClaiming(4, 4, rows(10))))).toThrow(
      /PNG pixel data holds 10 bytes, its 4 x 4 header needs 68/,
    );
    expect(() => decodeImage(write('long.png', pngClaiming(4, 4, rows(5000))))).toThrow(
      /PNG pixel data is longer than its 4 x 4 header needs \(68 bytes\)/,
    );
  });

  it('refuses a JPEG too small for the size it declares (jpeg-js would decode it for seconds)', () => {
    const data = Buffer.alloc(16 * 16 * 4, 90);
    const real = Buffer.from(jpeg.encode({ width: 16, height: 16, data }, 80).data);
    expect(decodeImage(write('real.jpg', real)).width).toBe(16);
    const sof = real.indexOf(Buffer.from([0xff, 0xc0]));
    real.writeUInt16BE(8192, sof + 5);
    real.writeUInt16BE(8192, sof + 7);
    expect(() => decodeImage(write('inflated.jpg', real))).toThrow(
      new RegExp(
        `a 8192 x 8192 JPEG needs at least 65536 bytes of data, the file has ${real.length}`,
      ),
    );
  });

  it('knows the length of Adam7-interlaced data', () => {
    // 4 x 4 RGBA in 7 passes of 1x1, 0, 0, 1x1, 2x1, 2x2, 4x2 pixels: 5 + 5 + 9 + 18 + 34 bytes
    const adam7 = (n: number) => pngClaiming(4, 4, deflateSync(Buffer.alloc(n)), 1);
    expect(decodeImage(write('adam7.png', adam7(71))).height).toBe(4);
    expect(() => decodeImage(write('adam7-short.png', adam7(68)))).toThrow(
      /holds 68 bytes, its 4 x 4 header needs 71/,
    );
  });

  it('accepts the PNG flavours pngjs writes: grey, RGB, RGBA, 16-bit', () => {
    for (const [colorType, bitDepth, inputHasAlpha] of [
      [0, 8, false],
      [2, 8, false],
      [6, 8, true],
      [2, 16, false],
    ] as const) {
      const png = new PNG({ width: 7, height: 5, colorType, bitDepth, inputHasAlpha });
      png.data = Buffer.alloc(7 * 5 * 4, 200);
      const path = write(
        `flavour-${colorType}-${bitDepth}.png`,
        PNG.sync.write(png, { colorType, bitDepth, inputHasAlpha }),
      );
      const image = decodeImage(path);
      expect([image.width, image.height, image.data[0]]).toEqual([7, 5, 200]);
    }
  });

  it('the CLI exits 1 with one line on each, never aborting', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const model = fileURLToPath(
      new URL('../../../models/mnist__resnet8__float.pabnn', import.meta.url),
    );
    for (const [name, bytes, message] of [
      ['huge.png', huge, /the pixel count \(2147483647 x 2147483647\).*maxImagePixels = 67108864/],
      ['corrupt.png', corruptPng(), /cannot decode the image/],
    ] as const) {
      const path = write(name, bytes);
      const result = await promisify(execFile)('node', [
        cli,
        'run',
        model,
        path,
        '--backend',
        'js',
      ]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  }, 60_000);
});
