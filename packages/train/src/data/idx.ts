import { TrainError } from '../errors.js';

/** An IDX file (the MNIST family's format): unsigned bytes with a shape. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** Parses an IDX file of unsigned bytes (type 0x08), checking its header against its length. */
export function parseIdx(bytes: Uint8Array, what = 'IDX file'): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new TrainError('dataset', `${what}: not an IDX file (bad magic number)`);
  }
  if (bytes[2] !== 0x08) {
    throw new TrainError(
      'dataset',
      `${what}: element type 0x${bytes[2].toString(16)} is not unsigned bytes`,
    );
  }
  const rank = bytes[3];
  const header = 4 + 4 * rank;
  if (rank < 1 || bytes.length < header)
    throw new TrainError('dataset', `${what}: truncated header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new TrainError(
      'dataset',
      `${what}: shape [${shape.join(', ')}] needs ${header + size} bytes, the file has ${bytes.length}`,
    );
  }
  return { shape, data: bytes.subarray(header) };
}
