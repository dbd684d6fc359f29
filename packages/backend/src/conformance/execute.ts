import { type Attrs, getOpSchema, resolveAttrs, type Tensor } from '@pabnn/ir';
import { allocTensor } from '../tensors.js';
import type { Backend, BackendTensor } from '../types.js';

/** One op application to check: inputs flagged `constant` are given to `prepare` (weights). */
export interface OpCase {
  title: string;
  op: string;
  inputs: (Tensor | undefined)[];
  constant: boolean[];
  attrs: Attrs;
}

/**
 * Runs one node on a backend the way the runtime does: upload, allocate outputs from shape
 * inference, prepare (constants included), run twice (a prepared kernel must be reusable),
 * download, free.
 */
export async function executeCase(backend: Backend, c: OpCase): Promise<Tensor[]> {
  const schema = getOpSchema(c.op);
  if (!schema) throw new Error(`unknown op ${c.op}`);
  const attrs = resolveAttrs(schema, c.attrs);
  const infos = c.inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined));
  const outInfos = schema.inferShapes(infos, attrs);
  const prepared = backend.prepare(
    { name: c.title, op: c.op, attrs, inputs: infos, outputs: outInfos },
    c.inputs.map((t, i) => (c.constant[i] ? t : undefined)),
  );
  const inputs = c.inputs.map((t) => (t ? backend.upload(t) : undefined));
  const outputs: BackendTensor[] = outInfos.map((info) => allocTensor(backend, info));
  await backend.run(prepared, inputs, outputs);
  await backend.run(prepared, inputs, outputs);
  const results = await Promise.all(outputs.map((o) => backend.download(o)));
  for (const t of [...inputs, ...outputs]) if (t) backend.free(t.buffer);
  return results;
}
