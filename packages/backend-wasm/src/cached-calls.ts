import type { KernelCall } from './thread-pool.js';

/**
 * A node's kernel calls, whose parameter blocks were written for a set of numbers (buffer
 * offsets, input shape): a run with the same numbers reuses them instead of building and writing
 * the blocks again, which is a small layer's largest per-run cost on the JS side.
 */
export class CachedCalls {
  private writtenFor: readonly number[] = [];
  private calls: KernelCall[] = [];

  /** The calls for `key`, built (and their blocks written) by `build` when the key changed. */
  get(key: readonly number[], build: () => KernelCall[]): KernelCall[] {
    if (key.length !== this.writtenFor.length || key.some((v, i) => v !== this.writtenFor[i])) {
      this.calls = build();
      this.writtenFor = key;
    }
    return this.calls;
  }

  /** Forgets the calls (their blocks moved). */
  reset(): void {
    this.writtenFor = [];
  }
}
