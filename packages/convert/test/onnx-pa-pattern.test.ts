// The PA interchange pattern (PA-ONNX.md) in detail: per-channel activation staircases, groups,
// dilation, stride, bias-only epilogues and hardtanh; the dequantized weight form other
// frameworks write; and patterns that must not be taken for a PA conv.
import { relativeMaxError } from '@pabnn/backend/conformance';
import type { Graph } from '@pabnn/ir';
import { dequantizeWeights } from '@pabnn/quantizer';
import { createModel } from '@pabnn/zoo';
import { describe, expect, it } from 'vitest';
import { ConvertError, exportOnnx, importOnnx } from '../src/index.js';
import { onnx } from '../src/onnx/proto.js';
import { randomImage, runOrt } from './onnx-helpers.js';
import { handBuilt, opCounts, paNodes, paParams, runOn } from './pa-onnx-helpers.js';

const feeds = { image: randomImage([2, 9, 9, 4], 11) };

function expectSameParams(a: Graph, b: Graph) {
  for (const node of paNodes(a)) {
    const twin = b.nodes.find((n) => n.name === node.name);
    expect(twin?.op, node.name).toBe('PAConv2D');
    const [ours, theirs] = [paParams(a, node), paParams(b, twin!)];
    for (const key of Object.keys(ours)) {
      expect(theirs[key]?.shape, `${node.name} ${key}`).toEqual(ours[key]?.shape);
      expect(theirs[key]?.data, `${node.name} ${key}`).toEqual(ours[key]?.data);
    }
  }
}

async function expectSameOutputs(a: Graph, b: Graph) {
  for (const backend of ['js', 'wasm']) {
    const [x, y] = [await runOn(a, backend, feeds), await runOn(b, backend, feeds)];
    for (const name of a.outputs)
      expect(relativeMaxError(y[name], x[name]), `${backend} ${name}`).toBeLessThan(1e-4);
  }
}

describe('the PA interchange pattern', () => {
  it.each(['planes', 'dequantized'] as const)(
    '%s weights: onnxruntime computes the PA graph, importOnnx restores it exactly',
    async (paWeights) => {
      const graph = handBuilt();
      const bytes = exportOnnx(graph, { paWeights });
      const ort = await runOrt(bytes, feeds);
      const ours = await runOn(graph, 'js', feeds);
      expect(relativeMaxError(ort[graph.outputs[0]], ours[graph.outputs[0]])).toBeLessThan(1e-4);
      const back = importOnnx(bytes);
      expect(opCounts(back)).toEqual({ PAConv2D: 2, GlobalAvgPool: 1 });
      expectSameParams(graph, back);
      await expectSameOutputs(graph, back);
    },
  );

  it('dequantized weights of a zoo model: same staircases and outputs, Q_w refitted', async () => {
    const graph = createModel('pa_resnet8', { input: 'mnist', weightBases: 2, activationBases: 3 });
    const back = importOnnx(exportOnnx(graph, { paWeights: 'dequantized' }));
    expect(opCounts(back)).toEqual(opCounts(graph));
    for (const node of paNodes(graph)) {
      const twin = back.nodes.find((n) => n.name === node.name)!;
      const [ours, theirs] = [paParams(graph, node), paParams(back, twin)];
      for (const key of ['actThresholds', 'actLevels', 'scale', 'bias'])
        expect(theirs[key]?.data, `${node.name} ${key}`).toEqual(ours[key]?.data);
      const qw = (p: typeof ours) =>
        dequantizeWeights({
          bits: p.weightBits!,
          scales: p.weightScales!,
          offset: p.weightOffset!,
          shape: p.weightBits!.shape.slice(1),
          bases: p.weightBits!.shape[0],
        });
      expect(relativeMaxError(qw(theirs), qw(ours)), node.name).toBeLessThan(1e-6);
    }
    const input = { image: randomImage([1, 28, 28, 1], 5) };
    for (const backend of ['js', 'wasm']) {
      const [x, y] = [await runOn(graph, backend, input), await runOn(back, backend, input)];
      expect(relativeMaxError(y.fc, x.fc), backend).toBeLessThan(1e-4);
    }
  });
});

/** The exported hand-built model as a protobuf message, to edit. */
function exported() {
  return onnx.ModelProto.decode(exportOnnx(handBuilt()));
}
const encode = (m: ReturnType<typeof exported>) => onnx.ModelProto.encode(m).finish();
const init = (m: ReturnType<typeof exported>, prefix: string) =>
  m.graph!.initializer!.find((t) => t.name?.startsWith(prefix))!;

describe('what is not a PA conv is refused by name, never imported differently', () => {
  it('thresholds that do not ascend along the Where chain', () => {
    const m = exported();
    const t2 = init(m, 'grouped/t2');
    t2.rawData = new Uint8Array(new Float32Array(4).fill(-5).buffer);
    expect(() => importOnnx(encode(m))).toThrowError(ConvertError);
    expect(() => importOnnx(encode(m))).toThrowError(
      /Where.*'grouped\/Conv.*thresholds must ascend/,
    );
  });

  it('a staircase value read by another node', () => {
    const m = exported();
    const q = m.graph!.node!.find((n) => n.opType === 'Where')!.output![0];
    m.graph!.output!.push(onnx.ValueInfoProto.create({ name: q }));
    expect(() => importOnnx(encode(m))).toThrowError(/GreaterOrEqual.*read by other nodes/);
  });

  it('a weight plane that is not +1 and -1', () => {
    const m = exported();
    const plane = init(m, 'pointwise/w_plane1');
    plane.rawData = new Uint8Array(new Float32Array(24).fill(0.5).buffer);
    expect(() => importOnnx(encode(m))).toThrowError(/'pointwise\/Conv.*\+1 and -1/);
  });

  it('an epilogue clip that is not hardtanh stays a float Clip after the PAConv2D', async () => {
    const m = exported();
    const clip = m.graph!.node!.find((n) => n.opType === 'Clip')!;
    init(m, clip.input![2]!).rawData = new Uint8Array(new Float32Array([0.5]).buffer);
    const back = importOnnx(encode(m));
    expect(opCounts(back)).toEqual({ PAConv2D: 2, Clip: 1, GlobalAvgPool: 1 });
    const ort = await runOrt(encode(m), feeds);
    const ours = await runOn(back, 'js', feeds);
    expect(relativeMaxError(ours[back.outputs[0]], ort[back.outputs[0]])).toBeLessThan(1e-4);
  });
});

describe('malformed PA patterns', () => {
  it('a Where chain that loops is refused, not followed forever', () => {
    const m = exported();
    const wheres = m.graph!.node!.filter((n) => n.opType === 'Where');
    wheres[0].input![2] = wheres[1].output![0];
    expect(() => importOnnx(encode(m))).toThrowError(ConvertError);
  });

  it('a scale that broadcasts along the input channels is no PA weight', () => {
    const m = exported();
    const scale = init(m, 'pointwise/w_scale1');
    scale.dims = [1, 4, 1, 1];
    expect(() => importOnnx(encode(m))).toThrowError(
      /'pointwise\/Conv.*only one value or \[O, 1, 1, 1\]/,
    );
  });
});
