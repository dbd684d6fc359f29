// Small ONNX models written with onnx-proto, for the importer's tests.
import { type NodeProto, onnx } from '../src/onnx/proto.js';

export interface ModelSpec {
  opset?: number | null;
  domain?: string;
  inputs: Record<string, (number | string)[]>;
  initializers?: Record<string, { dims: number[]; values: number[]; int64?: boolean }>;
  nodes: NodeProto[];
  outputs: string[];
}

/** Attributes as ONNX AttributeProtos: numbers become INT (or FLOAT when not whole), arrays INTS. */
export function attrs(values: Record<string, number | number[] | string>) {
  return Object.entries(values).map(([name, v]) => {
    if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
    if (Array.isArray(v)) return { name, type: 7, ints: v };
    return Number.isInteger(v) ? { name, type: 2, i: v } : { name, type: 1, f: v };
  });
}

export function floatAttr(name: string, f: number) {
  return { name, type: 1, f };
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const valueInfo = (name: string, dims?: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType: 1,
        shape: dims && {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  });
  return onnx.ModelProto.encode({
    irVersion: 7,
    opsetImport:
      spec.opset === null ? [] : [{ domain: spec.domain ?? '', version: spec.opset ?? 13 }],
    graph: {
      name: 'test',
      input: Object.entries(spec.inputs).map(([name, dims]) => valueInfo(name, dims)),
      output: spec.outputs.map((name) => valueInfo(name)),
      initializer: Object.entries(spec.initializers ?? {}).map(([name, t]) => ({
        name,
        dims: t.dims,
        dataType: t.int64 ? 7 : 1,
        rawData: new Uint8Array(
          t.int64
            ? new BigInt64Array(t.values.map(BigInt)).buffer
            : Float32Array.from(t.values).buffer,
        ),
      })),
      node: spec.nodes,
    },
  }).finish();
}
