import { TrainError } from '../errors.js';

const fail = (path: string, message: string): never => {
  throw new TrainError('checkpoint', `${path}: ${message}`);
};

const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isBase64 = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v);

/**
 * The types of a parsed checkpoint's fields, before anything uses them: counts are
 * non-negative integers, `state` an object of base64 tensors (not null, not empty),
 * `optimizer` a list of them, `history` a list, `seconds` a finite duration.
 */
export function checkCheckpointFields(path: string, raw: Record<string, unknown>): void {
  for (const field of ['epoch', 'batch', 'optimizerStep']) {
    if (!isCount(raw[field]))
      fail(path, `${field} must be a non-negative integer, got ${JSON.stringify(raw[field])}`);
  }
  const state = raw.state;
  if (typeof state !== 'object' || state === null || Array.isArray(state))
    fail(path, `state must be an object of parameters, got ${JSON.stringify(state)}`);
  const entries = Object.entries(state as object);
  if (entries.length === 0) fail(path, 'state holds no parameters');
  for (const [name, v] of entries) {
    if (!isBase64(v)) fail(path, `parameter '${name}' is not a base64 tensor`);
  }
  if (!Array.isArray(raw.optimizer) || !raw.optimizer.every(isBase64))
    fail(path, 'optimizer must be a list of base64 tensors');
  if (!Array.isArray(raw.history)) fail(path, 'history must be a list');
  if (typeof raw.seconds !== 'number' || !(raw.seconds >= 0) || !Number.isFinite(raw.seconds))
    fail(path, `seconds must be a finite duration, got ${JSON.stringify(raw.seconds)}`);
  if (typeof raw.fingerprint !== 'string') fail(path, 'fingerprint must be a string');
  if (
    raw.devices !== undefined &&
    !(Array.isArray(raw.devices) && raw.devices.every((d) => typeof d === 'string'))
  )
    fail(path, 'devices must be a list of names');
}
