import { PabnnError } from '../errors.js';
import type { Graph } from '../graph.js';
import { type Limits, resolveLimits } from '../limits.js';
import { checkMetadataDepth } from '../metadata-depth.js';
import { bytesOf } from '../tensor.js';
import { validateGraph } from '../validate.js';
import { crc32 } from './crc32.js';
import type { FileHeader, TensorEntry } from './header.js';
import {
  alignUp,
  CHECKSUM_BYTES,
  FORMAT_VERSION,
  HOST_IS_LITTLE_ENDIAN,
  MAGIC,
  PREAMBLE_BYTES,
} from './layout.js';

/**
 * Serializes a graph to the .pabnn container (layout.ts). The graph is validated first, so
 * a file that `save` wrote always loads (under the same limits: metadata deeper than
 * maxMetadataDepth is a LimitError, not a stack overflow). Deterministic: the same graph
 * gives the same bytes.
 */
export function save(graph: Graph, options: { limits?: Partial<Limits> } = {}): Uint8Array {
  if (!HOST_IS_LITTLE_ENDIAN) throw new PabnnError('platform', '.pabnn needs a little-endian host');
  validateGraph(graph);
  checkMetadataDepth(graph.metadata, resolveLimits(options.limits));

  // Offsets depend on the header's length and the header holds the offsets: lay out the
  // payloads relative to 0 first, then shift them past the (fixed-width-offset) header.
  const relative: TensorEntry[] = [];
  let cursor = 0;
  for (const [name, t] of graph.constants) {
    const byteLength = t.data.byteLength;
    relative.push({ name, dtype: t.dtype, shape: [...t.shape], offset: cursor, byteLength });
    cursor = alignUp(cursor + byteLength);
  }
  const header = (payloadStart: number): FileHeader => ({
    graph: {
      name: graph.name,
      inputs: graph.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: [...i.shape] })),
      outputs: [...graph.outputs],
      nodes: graph.nodes.map((n) => ({
        name: n.name,
        op: n.op,
        inputs: [...n.inputs],
        outputs: [...n.outputs],
        attrs: n.attrs,
      })),
      metadata: graph.metadata,
    },
    tensors: relative.map((e) => ({ ...e, offset: e.offset + payloadStart })),
  });
  const encoder = new TextEncoder();
  // Iterate to a fixed point: the header's length depends on the digits of the offsets.
  let payloadStart = alignUp(PREAMBLE_BYTES);
  let json = encoder.encode(JSON.stringify(header(payloadStart)));
  while (alignUp(PREAMBLE_BYTES + json.byteLength) !== payloadStart) {
    payloadStart = alignUp(PREAMBLE_BYTES + json.byteLength);
    json = encoder.encode(JSON.stringify(header(payloadStart)));
  }

  const total = payloadStart + cursor + CHECKSUM_BYTES;
  const file = new Uint8Array(total);
  const view = new DataView(file.buffer);
  file.set(MAGIC, 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, json.byteLength, true);
  view.setUint32(20, 0, true);
  view.setBigUint64(24, BigInt(total), true);
  file.set(json, PREAMBLE_BYTES);
  const tensors = [...graph.constants.values()];
  relative.forEach((e, i) => file.set(bytesOf(tensors[i].data), payloadStart + e.offset));
  view.setUint32(total - CHECKSUM_BYTES, crc32(file.subarray(0, total - CHECKSUM_BYTES)), true);
  return file;
}
