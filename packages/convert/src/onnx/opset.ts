import { ConvertError } from '../errors.js';
import { num } from './onnx-values.js';
import type { ModelProto } from './proto.js';

/** The default-domain opsets whose semantics the importer applies (older ones differ: Add's legacy broadcast, BatchNormalization's consumed_inputs). */
export const ONNX_OPSETS = { min: 6, max: 25 } as const;
export const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** The model's default-domain opset; refuses models without one, outside ONNX_OPSETS, or with nodes of other domains. */
export function readOpset(model: ModelProto): number {
  const imports = model.opsetImport ?? [];
  const own = imports.filter((o) => DEFAULT_DOMAINS.has(o.domain ?? ''));
  if (own.length === 0)
    throw new ConvertError('onnx-opset', 'the model imports no opset of the default ONNX domain');
  const opset = Math.max(...own.map((o) => num(o.version)));
  if (opset < ONNX_OPSETS.min || opset > ONNX_OPSETS.max)
    throw new ConvertError(
      'onnx-opset',
      `opset ${opset} is not supported: the importer knows the semantics of opsets ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}`,
    );
  const foreign = (model.graph?.node ?? []).filter((n) => !DEFAULT_DOMAINS.has(n.domain ?? ''));
  if (foreign.length)
    throw new ConvertError(
      'onnx-opset',
      `nodes of unknown domains are not supported: ${foreign.map((n) => `${n.name || n.output?.[0] || '?'} (${n.domain}.${n.opType})`).join(', ')}`,
    );
  return opset;
}
