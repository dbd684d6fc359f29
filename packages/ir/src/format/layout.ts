/**
 * The .pabnn container (all integers little-endian):
 *
 *   offset  size  field
 *   0       8     magic 0x89 'P' 'A' 'B' 'N' 'N' '\r' '\n' (catches 7-bit and newline mangling)
 *   8       4     format version (u32)
 *   12      4     flags (u32, must be 0 in version 1)
 *   16      4     header byte length (u32)
 *   20      4     reserved (u32, must be 0)
 *   24      8     total file length in bytes (u64), checksum included
 *   32      H     header: UTF-8 JSON { graph, tensors } (see header.ts)
 *   ...           tensor payloads, each starting at a multiple of 64 bytes, zero-filled gaps
 *   end-4   4     CRC-32 of every byte before it
 */
export const MAGIC = new Uint8Array([0x89, 0x50, 0x41, 0x42, 0x4e, 0x4e, 0x0d, 0x0a]);
export const FORMAT_VERSION = 1;
export const PREAMBLE_BYTES = 32;
export const CHECKSUM_BYTES = 4;
export const PAYLOAD_ALIGNMENT = 64;

export function alignUp(n: number, alignment = PAYLOAD_ALIGNMENT): number {
  return Math.ceil(n / alignment) * alignment;
}

// The format stores data little-endian and copies it straight into typed arrays.
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
