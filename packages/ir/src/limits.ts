import { LimitError, PabnnError } from './errors.js';

/**
 * Upper bounds on what an untrusted input may make PA-BNN allocate or traverse. Each is
 * checked before the allocation or the decoding it guards; exceeding one is a LimitError
 * naming the limit and the value. Raise one through the `limits` option of the reader.
 */
export interface Limits {
  /** Bytes of a model, weights, image or checkpoint file read whole. */
  maxFileBytes: number;
  /** Elements of one tensor (a constant in a file, or one value of a run). */
  maxTensorElements: number;
  /** Activation bytes of one run's memory plan (all reused buffers together). */
  maxActivationBytes: number;
  /** Pixels (width x height) of an image, from its header, before decoding. */
  maxImagePixels: number;
  /** Nesting depth of a model's metadata (objects and arrays). */
  maxMetadataDepth: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFileBytes: 2 ** 30, // 1 GiB
  maxTensorElements: 2 ** 28, // 1 GiB of float32
  maxActivationBytes: 2 ** 31, // 2 GiB: half of what a wasm32 heap can ever hold
  maxImagePixels: 2 ** 26, // 8192 x 8192
  maxMetadataDepth: 64,
});

/** The defaults with `override` applied; every override must be a positive safe integer. */
export function resolveLimits(override: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(override)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) {
      throw new PabnnError(
        'limits',
        `unknown limit '${key}' (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new PabnnError('limits', `limit ${key} must be a positive integer, got ${value}`);
    }
    limits[key as keyof Limits] = value;
  }
  return limits;
}

/** Throws a LimitError when `value` exceeds `limits[limit]`; `what` names what was measured. */
export function checkLimit(limits: Limits, limit: keyof Limits, value: number, what: string): void {
  if (!(value <= limits[limit])) throw new LimitError(limit, value, limits[limit], what);
}
