import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { checkLimit, crc32, type Limits, resolveLimits } from '@pabnn/ir';
import { TrainError } from '../errors.js';
import { checkCheckpointFields } from './checkpoint-fields.js';

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

/** Version 2 carries a CRC-32 of its JSON body; version 1 files (without one) still load. */
const MAGIC = 'pabnn-checkpoint-2';
const LEGACY_MAGIC = 'pabnn-checkpoint-1';

/**
 * CRC-32 of the body as JSON. JSON.parse keeps key order and JSON.stringify prints numbers
 * canonically, so stringifying a parsed body reproduces the bytes that were checksummed.
 */
const checksumOf = (body: object) =>
  crc32(new TextEncoder().encode(JSON.stringify(body)))
    .toString(16)
    .padStart(8, '0');

const encode = (a: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const decode = (s: string) => {
  const b = Buffer.from(s, 'base64');
  if (b.length % 4) throw new TrainError('checkpoint', 'a tensor has a length not divisible by 4');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};

/** Writes atomically (temp file + rename), so a kill mid-write leaves the previous one. */
export function saveCheckpoint(path: string, c: Checkpoint): void {
  const {
    magic: _magic,
    checksum: _checksum,
    ...fields
  } = c as Checkpoint & {
    magic?: unknown;
    checksum?: unknown;
  };
  const body = {
    magic: MAGIC,
    ...fields,
    state: Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, encode(v)])),
    optimizer: c.optimizer.map(encode),
  };
  const json = JSON.stringify({ ...body, checksum: checksumOf(body) });
  writeFileSync(`${path}.tmp`, json);
  renameSync(`${path}.tmp`, path);
}

/**
 * The checkpoint at `path`, or undefined if there is none. The file is untrusted: a regular
 * file within maxFileBytes (checked before reading; `options.limits` overrides), its checksum
 * (version 2) and every field's type are checked (checkpoint-fields.ts), and a corrupt or
 * altered file is a TrainError naming the problem, never a silent fresh start.
 */
export function loadCheckpoint(
  path: string,
  options: { limits?: Partial<Limits> } = {},
): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  if (!stat.isFile()) throw new TrainError('checkpoint', `${path} is not a regular file`);
  checkLimit(
    resolveLimits(options.limits),
    'maxFileBytes',
    stat.size,
    `${path}: its size in bytes`,
  );
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TrainError(
      'checkpoint',
      `${path} is not a readable checkpoint: ${(e as Error).message}`,
    );
  }
  if (
    typeof raw !== 'object' ||
    raw === null ||
    (raw.magic !== MAGIC && raw.magic !== LEGACY_MAGIC)
  ) {
    throw new TrainError('checkpoint', `${path} is not a PA-BNN training checkpoint`);
  }
  if (raw.magic === MAGIC) {
    const { checksum, ...body } = raw;
    const actual = checksumOf(body);
    if (checksum !== actual) {
      throw new TrainError(
        'checkpoint',
        `${path} fails its checksum (stored ${JSON.stringify(checksum)}, computed ${actual}): the file was altered or damaged`,
      );
    }
  }
  checkCheckpointFields(path, raw);
  const { magic: _magic, checksum: _checksum, ...fields } = raw;
  return {
    ...(fields as unknown as Checkpoint),
    state: Object.fromEntries(
      Object.entries(raw.state as Record<string, string>).map(([k, v]) => [k, decode(v)]),
    ),
    optimizer: (raw.optimizer as string[]).map(decode),
  };
}
