/**
 * Every error the IR throws on purpose is a PabnnError with a stable `code`, so callers
 * (and the fuzz tests) can tell "this input is bad, and here is why" from a bug.
 */
export class PabnnError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A `.pabnn` file (or its JSON header) is not what the format allows. */
export class ModelFormatError extends PabnnError {}

/** An image file is not a PNG or JPEG, or its header does not say its size (image-size.ts). */
export class ImageFormatError extends PabnnError {}

/** A graph is structurally wrong: unknown op, dangling edge, cycle, bad attribute, shapes. */
export class GraphValidationError extends PabnnError {
  /** Name of the offending node, when there is one. */
  readonly node: string | undefined;
  constructor(code: string, message: string, node?: string) {
    super(code, node === undefined ? message : `node '${node}': ${message}`);
    this.node = node;
  }
}

/** Thrown by shape inference; validation re-throws it as a GraphValidationError naming the node. */
export class ShapeError extends PabnnError {
  constructor(message: string) {
    super('shape', message);
  }
}

/**
 * An input is larger than a limit allows (see limits.ts): `limit` names the limit, `value`
 * is what the input asked for and `max` the limit's value. Thrown before allocating.
 */
export class LimitError extends PabnnError {
  readonly limit: string;
  readonly value: number;
  readonly max: number;
  constructor(limit: string, value: number, max: number, what: string) {
    super('limit', `${what} is ${value}, over the limit ${limit} = ${max}`);
    this.limit = limit;
    this.value = value;
    this.max = max;
  }
}
