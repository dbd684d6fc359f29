import { ConvertError } from '../errors.js';
import { type AttributeProto, DataType, type NodeProto, onnx, type TensorProto } from './proto.js';

// Plain values out of ONNX protobuf messages: numbers, initializers, attributes.

const MAX_ELEMENTS = 1 << 28;

/** An ONNX data type's name (FLOAT, INT64, ...), or its number. */
export const typeName = (t: number | null | undefined): string =>
  (DataType as unknown as Record<number, string>)[t ?? 0] ?? String(t);

/** protobufjs gives int64 fields as numbers or Long objects. */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber();
}

/** An ONNX initializer as plain data: float32 or int64 (as numbers) values. */
export interface Initializer {
  dims: number[];
  values: Float32Array | number[];
}

export function readInitializer(t: TensorProto): Initializer {
  const dims = (t.dims ?? []).map(num);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new ConvertError(
      'onnx-tensor',
      `initializer '${t.name}' has invalid dims ${JSON.stringify(dims)}`,
    );
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_ELEMENTS)
    throw new ConvertError(
      'onnx-tensor',
      `initializer '${t.name}' has ${count} elements, more than the ${MAX_ELEMENTS} supported`,
    );
  // data_location EXTERNAL (1): the values live in a file named by the model; importOnnx reads
  // no file a model names (an untrusted model could name any path), so it refuses by name
  if (Number(t.dataLocation ?? 0) === 1)
    throw new ConvertError(
      'onnx-external-data',
      `initializer '${t.name}' keeps its data in an external file, which importOnnx does not read: save the model with its weights inside the .onnx file`,
    );
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  if (t.dataType === DataType.FLOAT) {
    let values: Float32Array;
    if (raw) {
      if (raw.length !== count * 4)
        throw new ConvertError(
          'onnx-tensor',
          `initializer '${t.name}' has ${raw.length} raw bytes, dims [${dims.join(', ')}] need ${count * 4}`,
        );
      values = new Float32Array(new Uint8Array(raw).buffer); // a copy: protobufjs may hand out a view of a Buffer pool
    } else values = Float32Array.from(t.floatData ?? []);
    if (values.length !== count)
      throw new ConvertError(
        'onnx-tensor',
        `initializer '${t.name}' has ${values.length} values, dims [${dims.join(', ')}] need ${count}`,
      );
    return { dims, values };
  }
  if (t.dataType === DataType.INT64) {
    let values: number[];
    if (raw) {
      if (raw.length !== count * 8)
        throw new ConvertError(
          'onnx-tensor',
          `initializer '${t.name}' has ${raw.length} raw bytes, need ${count * 8}`,
        );
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      values = Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    } else values = (t.int64Data ?? []).map(num);
    if (values.length !== count)
      throw new ConvertError(
        'onnx-tensor',
        `initializer '${t.name}' has ${values.length} values, need ${count}`,
      );
    return { dims, values };
  }
  throw new ConvertError(
    'onnx-tensor',
    `initializer '${t.name}' has data type ${typeName(t.dataType)}; only FLOAT and INT64 are supported`,
  );
}

/** A node's attributes by name, each read with a fallback. */
export function attrMap(node: NodeProto) {
  const attrs = new Map<string, AttributeProto>();
  for (const a of node.attribute ?? []) attrs.set(a.name ?? '', a);
  return {
    int: (name: string, fallback: number) => (attrs.has(name) ? num(attrs.get(name)!.i) : fallback),
    float: (name: string, fallback: number) =>
      attrs.has(name) ? (attrs.get(name)!.f ?? fallback) : fallback,
    ints: (name: string, fallback: number[]) =>
      attrs.has(name) ? (attrs.get(name)!.ints ?? []).map(num) : fallback,
    floats: (name: string, fallback: number[]) =>
      attrs.has(name) ? [...(attrs.get(name)!.floats ?? [])] : fallback,
    tensor: (name: string) => attrs.get(name)?.t ?? undefined,
    has: (name: string) => attrs.has(name),
    string: (name: string, fallback: string) =>
      attrs.has(name) ? new TextDecoder().decode(attrs.get(name)!.s ?? new Uint8Array()) : fallback,
  };
}

export type Attributes = ReturnType<typeof attrMap>;

/** Decodes ONNX bytes, turning every protobuf failure into a ConvertError. */
export function decodeOnnx(bytes: Uint8Array) {
  if (!(bytes instanceof Uint8Array))
    throw new ConvertError(
      'onnx-decode',
      'importOnnx takes the bytes of an .onnx file (Uint8Array)',
    );
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ConvertError('onnx-decode', `not a valid ONNX protobuf: ${(error as Error).message}`);
  }
}
