// Helpers that build deliberately broken .pabnn files: they know the container layout
// (src/format/layout.ts) so a test can change one field and keep the rest consistent.
import { crc32 } from '../src/index.js';

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Recomputes the trailing CRC-32 so a mutation reaches the checks behind the checksum. */
export function fixChecksum(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 4)
    view(bytes).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

export function headerOf(bytes: Uint8Array): unknown {
  const length = view(bytes).getUint32(16, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + length)));
}

/**
 * Replaces the JSON header, keeping every payload at its absolute offset. A shorter header
 * is padded with spaces; a longer one overwrites the start of the payloads (which the
 * loader must then reject or survive). The checksum is fixed.
 */
export function withHeaderText(bytes: Uint8Array, text: string): Uint8Array {
  const out = bytes.slice();
  const oldLength = view(bytes).getUint32(16, true);
  let json = new TextEncoder().encode(text);
  if (json.length < oldLength) {
    const padded = new Uint8Array(oldLength).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const room = out.length - 4 - 32;
  json = json.subarray(0, Math.min(json.length, room));
  out.set(json, 32);
  view(out).setUint32(16, json.length, true);
  return fixChecksum(out);
}

export function withHeader(bytes: Uint8Array, header: unknown): Uint8Array {
  return withHeaderText(bytes, JSON.stringify(header));
}

/** A complete file around a JSON header given as text, with no tensor payloads. */
export function fileFromHeaderText(text: string): Uint8Array {
  const json = new TextEncoder().encode(text);
  const payloadStart = Math.ceil((32 + json.length) / 64) * 64;
  const bytes = new Uint8Array(payloadStart + 4);
  bytes.set([0x89, 0x50, 0x41, 0x42, 0x4e, 0x4e, 0x0d, 0x0a]);
  view(bytes).setUint32(8, 1, true);
  view(bytes).setUint32(16, json.length, true);
  view(bytes).setBigUint64(24, BigInt(bytes.length), true);
  bytes.set(json, 32);
  return fixChecksum(bytes);
}
