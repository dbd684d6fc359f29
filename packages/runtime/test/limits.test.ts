import '@pabnn/backend-js';
import { GraphBuilder, save, tensor } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, LimitError, Session } from '../src/index.js';

/** A tiny file whose one Conv2D pads a 4x4 image by `pad` on every side into 64 channels. */
function paddedConv(pad: number): Uint8Array {
  const g = new GraphBuilder('pad-bomb');
  const x = g.input('x', 'float32', [1, 4, 4, 1]);
  const w = tensor('float32', [64, 1, 1, 1], new Float32Array(64).fill(1));
  g.output(g.conv2d(x, w, { padding: [pad, pad, pad, pad] }));
  return save(g.build());
}

const x = () => tensor('float32', [1, 4, 4, 1], new Float32Array(16).fill(1));

describe('activation limits', () => {
  it('refuses the pads-2000 bomb (4 GB of activations from a small file) before allocating', async () => {
    const file = paddedConv(2000);
    expect(file.byteLength).toBeLessThan(2048);
    const session = await Session.create(file, { backend: 'js' });
    const bytes = 4004 * 4004 * 64 * 4;
    const run = session.run({ x: x() });
    await expect(run).rejects.toBeInstanceOf(LimitError);
    await expect(run).rejects.toMatchObject({
      limit: 'maxActivationBytes',
      value: bytes,
      max: DEFAULT_LIMITS.maxActivationBytes,
    });
    await expect(run).rejects.toThrow(
      /activation bytes of the plan for input shapes 1x4x4x1 is 4104196096, over the limit maxActivationBytes = 2147483648/,
    );
    expect(session.profile().runs).toBe(0);
  });

  it('takes an override, both ways', async () => {
    const small = paddedConv(20); // 44 x 44 x 64 floats = 495,616 bytes
    const strict = await Session.create(small, {
      backend: 'js',
      limits: { maxActivationBytes: 495_615 },
    });
    await expect(strict.run({ x: x() })).rejects.toMatchObject({
      limit: 'maxActivationBytes',
      value: 495_616,
    });
    const tight = await Session.create(small, {
      backend: 'js',
      limits: { maxActivationBytes: 495_616 },
    });
    expect(
      (await tight.run({ x: x() }))[Object.keys(await tight.run({ x: x() }))[0]].shape,
    ).toEqual([1, 44, 44, 64]);
    // the input (16 elements) is checked at load, the weight (64) when the session takes it
    await expect(
      Session.create(small, { backend: 'js', limits: { maxTensorElements: 10 } }),
    ).rejects.toMatchObject({ limit: 'maxTensorElements', value: 16 });
    await expect(
      Session.create(small, { backend: 'js', limits: { maxTensorElements: 32 } }),
    ).rejects.toMatchObject({ limit: 'maxTensorElements', value: 64 });
  });
});
