// A small graph that uses every built-in op, with deterministic random weights: the
// round-trip and fuzz tests start from it.
import { type Graph, GraphBuilder, packedWords, seededRandom, tensor } from '../src/index.js';

export const rng = seededRandom;

export function randomFloats(random: () => number, shape: number[]) {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    'float32',
    shape,
    Float32Array.from({ length: n }, () => random() * 2 - 1),
  );
}

export function sampleGraph(seed = 1): Graph {
  const r = rng(seed);
  const g = new GraphBuilder('sample', { producer: 'ir tests', labels: ['a', 'b', 'c'] });
  const x = g.input('image', 'float32', [-1, 12, 12, 3]);
  let y = g.conv2d(x, randomFloats(r, [8, 3, 3, 3]), {
    stride: 1,
    padding: 1,
    bias: randomFloats(r, [8]),
  });
  y = g.batchNorm(y, {
    gamma: randomFloats(r, [8]),
    beta: randomFloats(r, [8]),
    mean: randomFloats(r, [8]),
    variance: tensor('float32', [8], new Float32Array(8).fill(1)),
  });
  y = g.prelu(y, randomFloats(r, [8]));
  const m = 2;
  const n = 3;
  const words = packedWords(8);
  const bits = tensor(
    'bits',
    [m, 16, 3, 3, 8],
    Uint32Array.from({ length: m * 16 * 9 * words }, () => Math.floor(r() * 256)),
  );
  const pa = g.paConv2d(
    y,
    {
      weightBits: bits,
      weightScales: randomFloats(r, [16, m]),
      weightOffset: randomFloats(r, [16]),
      actThresholds: tensor('float32', [n], [-0.5, 0, 0.5]),
      actLevels: tensor('float32', [n + 1], [-0.75, -0.25, 0.25, 0.75]),
      scale: randomFloats(r, [16]),
      bias: randomFloats(r, [16]),
    },
    { weightBases: m, activationBases: n, stride: 2, padding: 'same', activation: 'relu' },
  );
  const dw = g.depthwiseConv2d(pa, randomFloats(r, [16, 3, 3, 1]), { padding: 1 });
  const sum = g.hardtanh(g.add(g.relu(dw), pa));
  const pooled = g.concat([
    g.maxPool(sum, 2, { stride: 2 }),
    g.avgPool(sum, 3, { stride: 2, padding: 'same' }),
  ]);
  const features = g.flatten(g.globalAvgPool(pooled, { keepDims: true }));
  const logits = g.dense(features, randomFloats(r, [3, 32]), { bias: randomFloats(r, [3]) });
  g.output(g.softmax(g.reshape(logits, [0, 3])), logits);
  g.constant(tensor('int32', [2, 2], [1, -2, 3, -4]), 'extra_int');
  g.constant(tensor('uint8', [5], [0, 1, 2, 254, 255]), 'extra_u8');
  g.constant(tensor('float32', [0, 4]), 'empty');
  return g.build();
}
