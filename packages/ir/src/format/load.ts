import { ModelFormatError } from '../errors.js';
import type { Graph } from '../graph.js';
import { checkLimit, type Limits, resolveLimits } from '../limits.js';
import { checkMetadataDepth } from '../metadata-depth.js';
import {
  dataFromBytes,
  formatShape,
  numElements,
  storageByteLength,
  storageLength,
  type Tensor,
} from '../tensor.js';
import { validateGraph } from '../validate.js';
import { validateValues } from '../values.js';
import { crc32 } from './crc32.js';
import { type FileHeader, parseHeader } from './header.js';
import {
  CHECKSUM_BYTES,
  FORMAT_VERSION,
  HOST_IS_LITTLE_ENDIAN,
  MAGIC,
  PAYLOAD_ALIGNMENT,
  PREAMBLE_BYTES,
} from './layout.js';

const fail = (code: string, message: string): never => {
  throw new ModelFormatError(code, message);
};

function readPreamble(bytes: Uint8Array): { headerLength: number } {
  if (bytes.byteLength < PREAMBLE_BYTES + CHECKSUM_BYTES) {
    fail(
      'truncated',
      `file is truncated: ${bytes.byteLength} bytes, a .pabnn file has at least ${PREAMBLE_BYTES + CHECKSUM_BYTES}`,
    );
  }
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    fail('magic', 'not a .pabnn file (wrong magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 0) fail('version', 'format version 0 is not valid');
  if (version > FORMAT_VERSION) {
    fail(
      'version',
      `format version ${version} is newer than this reader supports (${FORMAT_VERSION}); upgrade @pabnn/ir`,
    );
  }
  const flags = view.getUint32(12, true);
  if (flags !== 0) fail('flags', `unknown flags 0x${flags.toString(16)} in the preamble`);
  if (view.getUint32(20, true) !== 0) fail('reserved', 'reserved preamble field is not zero');
  const total = view.getBigUint64(24, true);
  if (total > BigInt(bytes.byteLength)) {
    fail(
      'truncated',
      `file is truncated: its preamble says ${total} bytes, only ${bytes.byteLength} are present`,
    );
  }
  if (total < BigInt(bytes.byteLength)) {
    fail(
      'length',
      `file has ${bytes.byteLength - Number(total)} unexpected bytes after its end (length field says ${total})`,
    );
  }
  const stored = view.getUint32(bytes.byteLength - CHECKSUM_BYTES, true);
  const actual = crc32(bytes.subarray(0, bytes.byteLength - CHECKSUM_BYTES));
  if (stored !== actual) {
    fail(
      'checksum',
      `checksum mismatch (stored 0x${stored.toString(16)}, computed 0x${actual.toString(16)}): the file is corrupt`,
    );
  }
  const headerLength = view.getUint32(16, true);
  if (PREAMBLE_BYTES + headerLength > bytes.byteLength - CHECKSUM_BYTES) {
    fail('header-length', `header length ${headerLength} runs past the end of the file`);
  }
  return { headerLength };
}

function readHeaderJson(bytes: Uint8Array, headerLength: number): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength),
    );
  } catch {
    return fail('header-encoding', 'header is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail('header-json', `header is not valid JSON: ${(error as Error).message}`);
  }
}

/** Checks every tensor entry against the file before anything is allocated. */
function readTensors(
  bytes: Uint8Array,
  header: FileHeader,
  headerLength: number,
  limits: Limits,
): Map<string, Tensor> {
  const payloadStart = PREAMBLE_BYTES + headerLength;
  const payloadEnd = bytes.byteLength - CHECKSUM_BYTES;
  const constants = new Map<string, Tensor>();
  const spans: [number, number, string][] = [];
  for (const e of header.tensors) {
    const where = `tensor '${e.name}'`;
    if (constants.has(e.name))
      fail('tensor-duplicate', `${where} appears twice in the tensor table`);
    if (e.offset % PAYLOAD_ALIGNMENT !== 0) {
      fail(
        'tensor-alignment',
        `${where} starts at ${e.offset}, not a multiple of ${PAYLOAD_ALIGNMENT}`,
      );
    }
    if (e.offset < payloadStart || e.offset + e.byteLength > payloadEnd) {
      fail(
        'tensor-bounds',
        `${where} spans bytes ${e.offset}..${e.offset + e.byteLength}, outside the payload area ${payloadStart}..${payloadEnd}`,
      );
    }
    // storage elements before bytes, so a hostile shape cannot overflow into a small number
    // (bits tensors hold 32 elements per word, so their element count may exceed the file)
    if (storageLength(e.dtype, e.shape) > payloadEnd) {
      fail('tensor-size', `${where} has shape ${formatShape(e.shape)}, larger than the whole file`);
    }
    const expected = storageByteLength(e.dtype, e.shape);
    if (expected !== e.byteLength) {
      fail(
        'tensor-size',
        `${where} (${e.dtype} ${formatShape(e.shape)}) needs ${expected} bytes, the table says ${e.byteLength}`,
      );
    }
    checkLimit(limits, 'maxTensorElements', numElements(e.shape), `${where}'s element count`);
    spans.push([e.offset, e.offset + e.byteLength, e.name]);
    const data = dataFromBytes(e.dtype, bytes.subarray(e.offset, e.offset + e.byteLength));
    constants.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) {
      fail('tensor-overlap', `tensors '${spans[i - 1][2]}' and '${spans[i][2]}' overlap`);
    }
  }
  return constants;
}

export interface LoadOptions {
  /** Overrides of DEFAULT_LIMITS (maxFileBytes, maxTensorElements, maxMetadataDepth apply). */
  limits?: Partial<Limits>;
}

/**
 * Reads a .pabnn file. The bytes are untrusted: every length, offset, shape and dtype is
 * checked before use, memory never grows beyond about the file's size, and anything wrong
 * raises a ModelFormatError (container and header) or GraphValidationError (graph, and the
 * values of its constants: see validateValues), each with a specific `code` and a message
 * that names the problem. Sizes past `options.limits` (file bytes, tensor elements,
 * metadata depth) are a LimitError, raised before the allocation they guard.
 */
export function load(input: Uint8Array | ArrayBuffer, options: LoadOptions = {}): Graph {
  if (!HOST_IS_LITTLE_ENDIAN) fail('platform', '.pabnn needs a little-endian host');
  const limits = resolveLimits(options.limits);
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(bytes instanceof Uint8Array)) fail('input', 'load() takes a Uint8Array or ArrayBuffer');
  checkLimit(limits, 'maxFileBytes', bytes.byteLength, 'the .pabnn file size in bytes');
  const { headerLength } = readPreamble(bytes);
  const header = parseHeader(readHeaderJson(bytes, headerLength));
  checkMetadataDepth(header.graph.metadata, limits);
  for (const input of header.graph.inputs) {
    // the known dims alone: a caller allocates a feed of this size (-1 dims count as 1)
    const known = input.shape.reduce((n, d) => (d < 0 ? n : n * d), 1);
    checkLimit(limits, 'maxTensorElements', known, `the element count of input '${input.name}'`);
  }
  const constants = readTensors(bytes, header, headerLength, limits);
  const graph: Graph = { ...header.graph, constants };
  validateValues(graph, validateGraph(graph));
  return graph;
}
