// A small random PA network in IR: float stem, BatchNorm, PA convs (3x3, 1x1 shortcut,
// stride 2), a residual Add, pooling and a dense classifier.
import { type Graph, GraphBuilder, seededRandom, type Tensor, tensor } from '@pabnn/ir';
import { calibrateFromBatchNorm, quantizeWeights } from '@pabnn/quantizer';

export const rng = seededRandom;

export function randomTensor(r: () => number, shape: number[], lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    'float32',
    shape,
    Float32Array.from({ length: n }, () => lo + (hi - lo) * r()),
  );
}

export function smallPANet(seed = 1, batch = -1): Graph {
  const r = rng(seed);
  const g = new GraphBuilder('small-pa-net', { classes: 10 });
  const x = g.input('image', 'float32', [batch, 12, 12, 3]);
  const bn = (v: string, c: number) =>
    g.batchNorm(v, {
      gamma: randomTensor(r, [c], 0.5, 1.5),
      beta: randomTensor(r, [c], -0.2, 0.2),
      mean: randomTensor(r, [c], -0.1, 0.1),
      variance: randomTensor(r, [c], 0.5, 1.5),
    });
  const pa = (
    v: string,
    cin: number,
    cout: number,
    k: number,
    m: number,
    n: number,
    opts: { stride?: number; padding?: number },
  ) => {
    const w = randomTensor(r, [cout, k, k, cin], -0.3, 0.3);
    const q = quantizeWeights(w.data, w.shape, { name: 'pa', bases: m });
    const act = calibrateFromBatchNorm(
      { gamma: new Array(cin).fill(1), beta: new Array(cin).fill(0) },
      { name: 'pa', bases: n },
    );
    return g.paConv2d(
      v,
      {
        weightBits: q.bits,
        weightScales: q.scales,
        weightOffset: q.offset,
        actThresholds: act.thresholds,
        actLevels: act.levels,
      },
      { weightBases: m, activationBases: n, ...opts },
    );
  };
  const stem = g.relu(
    bn(g.conv2d(x, randomTensor(r, [16, 3, 3, 3], -0.5, 0.5), { padding: 1 }), 16),
  );
  const body = bn(pa(stem, 16, 32, 3, 2, 3, { padding: 1 }), 32);
  const shortcut = bn(pa(stem, 16, 32, 1, 2, 2, {}), 32);
  const merged = g.relu(g.add(body, shortcut));
  const pooled = g.maxPool(merged, 2, { stride: 2 });
  const deep = g.relu(bn(pa(pooled, 32, 40, 3, 4, 5, { stride: 2, padding: 1 }), 40));
  const logits = g.dense(g.globalAvgPool(deep), randomTensor(r, [10, 40]), {
    bias: randomTensor(r, [10]),
  });
  g.output(g.softmax(logits, { name: 'probabilities' }), logits);
  return g.build();
}
