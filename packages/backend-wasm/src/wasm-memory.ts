import { BackendError } from '@pabnn/backend';

const ALIGN = 64;
const PAGE = 65536;
/** Below this the AssemblyScript module keeps its own (tiny) static data. */
const HEAP_START = 1 << 20;

/**
 * Allocator over the module's linear memory: first fit over a free list sorted by offset,
 * 64-byte aligned blocks, neighbours merged on free, memory grown on demand. Views of the
 * memory must be made after any allocation (growth replaces the ArrayBuffer).
 */
export class WasmMemory {
  private top = HEAP_START;
  private free: { offset: number; size: number }[] = [];

  constructor(readonly memory: WebAssembly.Memory) {
    const pages = Math.ceil(HEAP_START / PAGE) - memory.buffer.byteLength / PAGE;
    if (pages > 0) memory.grow(pages);
  }

  alloc(byteLength: number): number {
    const size = Math.max(ALIGN, Math.ceil(byteLength / ALIGN) * ALIGN);
    const i = this.free.findIndex((b) => b.size >= size);
    let offset: number;
    if (i >= 0) {
      const block = this.free[i];
      offset = block.offset;
      if (block.size === size) this.free.splice(i, 1);
      else this.free[i] = { offset: block.offset + size, size: block.size - size };
    } else {
      offset = this.top;
      this.top += size;
      const missing = this.top - this.memory.buffer.byteLength;
      if (missing > 0) {
        try {
          this.memory.grow(Math.ceil(missing / PAGE));
        } catch {
          throw new BackendError('out-of-memory', `wasm memory cannot grow to ${this.top} bytes`);
        }
      }
    }
    new Uint8Array(this.memory.buffer, offset, size).fill(0);
    return offset;
  }

  release(offset: number, byteLength: number): void {
    const size = Math.max(ALIGN, Math.ceil(byteLength / ALIGN) * ALIGN);
    this.free.push({ offset, size });
    this.free.sort((a, b) => a.offset - b.offset);
    const merged: { offset: number; size: number }[] = [];
    for (const b of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.offset + last.size === b.offset) last.size += b.size;
      else merged.push({ ...b });
    }
    this.free = merged;
  }

  bytes(offset: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, offset, length);
  }

  /** Copies typed data into a new block; returns its offset. */
  put(data: ArrayBufferView): number {
    const offset = this.alloc(data.byteLength);
    this.bytes(offset, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    return offset;
  }
}
