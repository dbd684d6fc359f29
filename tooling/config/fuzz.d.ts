export function rng(seed: number): () => number;
export function pick<T>(r: () => number, items: readonly T[]): T;
export const JUNK: readonly unknown[];
export function mutateJson(r: () => number, value: unknown, keys?: string[]): unknown;
export function mutateBytes(r: () => number, bytes: Uint8Array): Uint8Array;
