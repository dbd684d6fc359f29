// Structure-aware fuzzing of image decoding: valid PNG and JPEG files get one hostile change
// (a header size, colour type, bit depth or interlace; flipped bytes with the chunk checksums
// fixed; a truncation) and are decoded under the default limits. Each case must give an image
// of the declared size or a typed PabnnError (LimitError, ImageFormatError, ImageError), never another exception,
// a native abort (which would kill this worker) or a long decode. Seeded: a failing case
// replays from its number.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pick, rng } from '@pabnn/config/fuzz';
import { crc32, PabnnError } from '@pabnn/ir';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/decode-image.js';

const CASES = 1200;
const KINDS = ['png-size', 'png-format', 'png-flip', 'truncate', 'jpeg-size', 'jpeg-flip'] as const;
type Random = () => number;
const dir = mkdtempSync(join(tmpdir(), 'pabnn-image-fuzz-'));

const png = () => {
  const image = new PNG({ width: 12, height: 9 });
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 13) % 256;
  return PNG.sync.write(image);
};
const jpg = () => {
  const data = Buffer.alloc(16 * 16 * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
  return Buffer.from(jpeg.encode({ width: 16, height: 16, data }, 80).data);
};

/** Recomputes every chunk's CRC so a change reaches the decoder, not only the checksum. */
function fixPngCrcs(bytes: Buffer): Buffer {
  let pos = 8;
  while (pos + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(pos);
    if (pos + 12 + length > bytes.length) break;
    bytes.writeUInt32BE(crc32(bytes.subarray(pos + 4, pos + 8 + length)), pos + 8 + length);
    pos += 12 + length;
  }
  return bytes;
}

const SIZES = [0, 1, 7, 12, 8192, 8193, 20000, 65535, 2 ** 31 - 1, 2 ** 32 - 1];

function mutate(
  r: Random,
  kind: (typeof KINDS)[number],
  good: { png: Buffer; jpg: Buffer },
): Buffer {
  switch (kind) {
    case 'png-size': {
      const b = Buffer.from(good.png);
      b.writeUInt32BE(pick(r, SIZES), pick(r, [16, 20]));
      return fixPngCrcs(b);
    }
    case 'png-format': {
      const b = Buffer.from(good.png);
      b[pick(r, [24, 25, 26, 27, 28])] = pick(r, [0, 1, 2, 3, 4, 6, 7, 8, 16, 255]);
      return fixPngCrcs(b);
    }
    case 'png-flip': {
      const b = Buffer.from(good.png);
      for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++)
        b[8 + Math.floor(r() * (b.length - 8))] ^= 1 << Math.floor(r() * 8);
      return r() < 0.7 ? fixPngCrcs(b) : b;
    }
    case 'truncate': {
      const b = r() < 0.5 ? good.png : good.jpg;
      return b.subarray(0, Math.floor(r() * b.length));
    }
    case 'jpeg-size': {
      const b = Buffer.from(good.jpg);
      const sof = b.indexOf(Buffer.from([0xff, 0xc0]));
      b.writeUInt16BE(pick(r, [0, 1, 16, 8192, 65535]), sof + 5); // height
      b.writeUInt16BE(pick(r, [0, 1, 16, 8192, 65535]), sof + 7); // width
      return b;
    }
    case 'jpeg-flip': {
      const b = Buffer.from(good.jpg);
      for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++)
        b[2 + Math.floor(r() * (b.length - 2))] ^= 1 << Math.floor(r() * 8);
      return b;
    }
  }
}

describe('image fuzzing', () => {
  it(`${CASES} hostile PNG and JPEG files: an image or a typed error, bounded`, () => {
    const r = rng(20261208);
    const good = { png: png(), jpg: jpg() };
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      const kind = KINDS[i % KINDS.length];
      const path = join(dir, `case-${i % 8}`);
      writeFileSync(path, mutate(r, kind, good));
      const started = performance.now();
      try {
        const image = decodeImage(path);
        expect(image.data.length, `case ${i} (${kind})`).toBe(image.width * image.height * 4);
        count(`${kind}: decoded`);
      } catch (error) {
        if (!(error instanceof PabnnError)) {
          throw new Error(`case ${i} (${kind}): untyped ${String(error)}`, { cause: error });
        }
        count(`${kind}: ${error.name}`);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    console.log(
      `image fuzz: ${CASES} cases, slowest ${slowest.toFixed(1)} ms`,
      Object.fromEntries([...outcomes].sort()),
    );
    expect(slowest).toBeLessThan(5000); // a shared CI machine; the bombs this guards against took 29 s
    for (const key of ['png-size: LimitError', 'png-flip: ImageError', 'jpeg-size: LimitError'])
      expect(outcomes.get(key) ?? 0, key).toBeGreaterThan(0);
  }, 120_000);
});
