// A float64 interpreter of the ops the end-to-end test uses, sharing no code with any
// backend: naive loops, PAConv2D through the conformance suite's float64 oracle.
import { paConv2dReference } from '@pabnn/backend/conformance';
import { type Graph, resolveWindow, type Tensor, validateGraph } from '@pabnn/ir';

type F64 = { shape: number[]; data: Float64Array };

function conv(
  x: F64,
  w: Tensor,
  b: Tensor | undefined,
  attrs: Record<string, unknown>,
  outShape: number[],
): Float64Array {
  const [n, h, wd, c] = x.shape;
  const [co, kh, kw] = w.shape;
  const win = resolveWindow(h, wd, [kh, kw], attrs as never, attrs.dilations as number[]);
  const [sh, sw] = attrs.strides as number[];
  const [, oh, ow] = outShape;
  const y = new Float64Array(n * oh * ow * co);
  for (let bi = 0; bi < n; bi++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let o = 0; o < co; o++) {
          let acc = b ? b.data[o] : 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * sh - win.padTop + ky;
              const ix = ox * sw - win.padLeft + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              for (let ci = 0; ci < c; ci++)
                acc +=
                  x.data[((bi * h + iy) * wd + ix) * c + ci] *
                  w.data[((o * kh + ky) * kw + kx) * c + ci];
            }
          y[((bi * oh + oy) * ow + ox) * co + o] = acc;
        }
  return y;
}

export function simulate(
  graph: Graph,
  feeds: Record<string, Tensor>,
): Record<string, Float64Array> {
  const concrete = {
    ...graph,
    inputs: graph.inputs.map((i) => ({ ...i, shape: feeds[i.name].shape })),
  };
  const { order, values: infos } = validateGraph(concrete);
  const values = new Map<string, F64>();
  for (const [k, t] of Object.entries(feeds))
    values.set(k, { shape: [...t.shape], data: Float64Array.from(t.data) });
  const get = (name: string) =>
    values.get(name) ?? {
      shape: [...graph.constants.get(name)!.shape],
      data: Float64Array.from(graph.constants.get(name)!.data),
    };
  for (const { node, attrs } of order) {
    const shape = [...infos.get(node.outputs[0])!.shape];
    const ins = node.inputs.map((n) => (n ? get(n) : undefined));
    const c = (i: number) => graph.constants.get(node.inputs[i]);
    let data: Float64Array;
    switch (node.op) {
      case 'Conv2D':
        data = conv(ins[0]!, c(1)!, node.inputs[2] ? c(2) : undefined, attrs, shape);
        break;
      case 'PAConv2D': {
        const x = ins[0]!;
        const asTensor: Tensor = {
          dtype: 'float32',
          shape: x.shape,
          data: Float32Array.from(x.data),
        };
        // the oracle takes float32 activations, as a kernel does
        data = paConv2dReference(
          [asTensor, ...node.inputs.slice(1).map((n) => (n ? graph.constants.get(n) : undefined))],
          attrs,
          shape,
        );
        break;
      }
      case 'BatchNorm': {
        const [x, g, b, m, v] = ins as F64[];
        const ch = x.shape[x.shape.length - 1];
        data = x.data.map(
          (val, i) =>
            ((val - m.data[i % ch]) / Math.sqrt(v.data[i % ch] + (attrs.epsilon as number))) *
              g.data[i % ch] +
            b.data[i % ch],
        );
        break;
      }
      case 'Relu':
        data = ins[0]!.data.map((v) => Math.max(v, 0));
        break;
      case 'Add':
        data = ins[0]!.data.map((v, i) => v + ins[1]!.data[i]);
        break;
      case 'MaxPool': {
        const x = ins[0]!;
        const [n, h, w, ch] = x.shape;
        const [kh, kw] = attrs.kernelShape as number[];
        const [sh, sw] = attrs.strides as number[];
        const win = resolveWindow(h, w, [kh, kw], attrs);
        data = new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(Number.NEGATIVE_INFINITY);
        for (let b = 0; b < n; b++)
          for (let oy = 0; oy < shape[1]; oy++)
            for (let ox = 0; ox < shape[2]; ox++)
              for (let k = 0; k < ch; k++)
                for (let ky = 0; ky < kh; ky++)
                  for (let kx = 0; kx < kw; kx++) {
                    const iy = oy * sh - win.padTop + ky;
                    const ix = ox * sw - win.padLeft + kx;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    const at = ((b * shape[1] + oy) * shape[2] + ox) * ch + k;
                    data[at] = Math.max(data[at], x.data[((b * h + iy) * w + ix) * ch + k]);
                  }
        break;
      }
      case 'GlobalAvgPool': {
        const x = ins[0]!;
        const [n, h, w, ch] = x.shape;
        data = new Float64Array(n * ch);
        for (let i = 0; i < x.data.length; i++)
          data[Math.floor(i / (h * w * ch)) * ch + (i % ch)] += x.data[i] / (h * w);
        break;
      }
      case 'Dense': {
        const [x, w, b] = ins as F64[];
        const [n, f] = x.shape;
        const o = w.shape[0];
        data = new Float64Array(n * o);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < o; j++) {
            let acc = b ? b.data[j] : 0;
            for (let k = 0; k < f; k++) acc += x.data[i * f + k] * w.data[j * f + k];
            data[i * o + j] = acc;
          }
        break;
      }
      case 'Softmax': {
        const x = ins[0]!;
        const len = x.shape[x.shape.length - 1];
        data = new Float64Array(x.data.length);
        for (let r = 0; r < x.data.length / len; r++) {
          const row = x.data.subarray(r * len, (r + 1) * len);
          const max = Math.max(...row);
          const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
          row.forEach((v, k) => {
            data[r * len + k] = Math.exp(v - max) / sum;
          });
        }
        break;
      }
      default:
        throw new Error(`simulation has no ${node.op}`);
    }
    values.set(node.outputs[0], { shape, data });
  }
  return Object.fromEntries(graph.outputs.map((o) => [o, values.get(o)!.data]));
}
