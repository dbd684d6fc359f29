import type { Limits } from './limits.js';
import { checkLimit } from './limits.js';

/**
 * Nesting depth of a JSON-like value (a scalar is 0, `{}` and `[]` are 1), measured without
 * recursion so a hostile value cannot overflow the stack; stops as soon as `max` is passed.
 */
export function nestingDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, inner]);
  }
  return deepest;
}

/** A LimitError (maxMetadataDepth) when metadata nests deeper than the limit. */
export function checkMetadataDepth(metadata: unknown, limits: Limits): void {
  const depth = nestingDepth(metadata, limits.maxMetadataDepth);
  // the count stops one past the limit, so the error reports a lower bound
  checkLimit(limits, 'maxMetadataDepth', depth, 'metadata nesting depth (at least)');
}
