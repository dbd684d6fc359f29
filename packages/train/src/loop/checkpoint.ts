import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { TrainError } from '../errors.js';

/** Everything needed to resume: position, parameters, optimizer moments, history so far. */
export interface Checkpoint {
  epoch: number;
  /** Batches of `epoch` already done. */
  batch: number;
  optimizerStep: number;
  state: Record<string, Float32Array>;
  optimizer: Float32Array[];
  history: unknown[];
  seconds: number;
  /** The run's options, to refuse resuming a different run. */
  fingerprint: string;
  /** TF.js backends that trained this run so far, in order (a run may move between machines). */
  devices?: string[];
}

const MAGIC = 'pabnn-checkpoint-1';

const encode = (a: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const decode = (s: string) => {
  const b = Buffer.from(s, 'base64');
  if (b.length % 4) throw new TrainError('checkpoint', 'a tensor has a length not divisible by 4');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};

/** Writes atomically (temp file + rename), so a kill mid-write leaves the previous one. */
export function saveCheckpoint(path: string, c: Checkpoint): void {
  const json = JSON.stringify({
    magic: MAGIC,
    ...c,
    state: Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, encode(v)])),
    optimizer: c.optimizer.map(encode),
  });
  writeFileSync(`${path}.tmp`, json);
  renameSync(`${path}.tmp`, path);
}

/** The checkpoint at `path`, or undefined if there is none; a corrupt file is an error. */
export function loadCheckpoint(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TrainError(
      'checkpoint',
      `${path} is not a readable checkpoint: ${(e as Error).message}`,
    );
  }
  if (raw.magic !== MAGIC || typeof raw.state !== 'object' || !Array.isArray(raw.optimizer)) {
    throw new TrainError('checkpoint', `${path} is not a PA-BNN training checkpoint`);
  }
  return {
    ...(raw as unknown as Checkpoint),
    state: Object.fromEntries(
      Object.entries(raw.state as Record<string, string>).map(([k, v]) => [k, decode(v)]),
    ),
    optimizer: (raw.optimizer as string[]).map(decode),
  };
}
