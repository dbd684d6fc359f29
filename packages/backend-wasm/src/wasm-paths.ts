// Where the kernels' .wasm files and the thread pool's worker are fetched from. By default next
// to the package's own code (`new URL(..., import.meta.url)` in wasm-module.ts and
// thread-pool.ts, which bundlers follow); `wasmPaths` and `workerUrl` move them, for an app that
// serves them from a CDN or another folder than its bundler would (README, "Where the files are
// served from").
import { BackendError } from '@pabnn/backend';

/** The kernels' WebAssembly files, as the package's `wasm/` folder names them. */
export type WasmFile =
  | 'pa-simd.wasm'
  | 'pa-scalar.wasm'
  | 'pa-simd-threads.wasm'
  | 'pa-scalar-threads.wasm';

export const WASM_FILES: WasmFile[] = [
  'pa-simd.wasm',
  'pa-scalar.wasm',
  'pa-simd-threads.wasm',
  'pa-scalar-threads.wasm',
];

/**
 * A folder URL that serves the four files under their names (a string ending in `/` or a URL),
 * or one URL per file name (files left out are fetched from the default place).
 */
export type WasmPaths = string | URL | Partial<Record<WasmFile, string | URL>>;

/** The document's URL where there is one (browsers, workers), to resolve relative strings. */
function baseUrl(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}

function toUrl(value: string | URL, what: string): URL {
  if (value instanceof URL) return value;
  try {
    return new URL(value, baseUrl());
  } catch {
    throw new BackendError(
      'bad-option',
      `wasm backend: ${what} ${JSON.stringify(value)} is not a URL (outside a page, give an absolute one: https://..., file:///...)`,
    );
  }
}

/** The URL of `file`: from `paths` if it names one, else `fallback` (the package's own). */
export function wasmFileUrl(file: WasmFile, paths: WasmPaths | undefined, fallback: URL): URL {
  if (paths === undefined) return fallback;
  if (typeof paths === 'string' || paths instanceof URL) {
    const folder = toUrl(paths, 'wasmPaths');
    if (!folder.pathname.endsWith('/'))
      throw new BackendError(
        'bad-option',
        `wasm backend: wasmPaths ${JSON.stringify(String(paths))} must name a folder (end with '/'), or be an object of URLs by file name`,
      );
    return new URL(file, folder);
  }
  const unknown = Object.keys(paths).filter((k) => !(WASM_FILES as string[]).includes(k));
  if (unknown.length > 0)
    throw new BackendError(
      'bad-option',
      `wasm backend: wasmPaths names no such file: ${unknown.join(', ')} (the files are ${WASM_FILES.join(', ')})`,
    );
  const one = paths[file];
  return one === undefined ? fallback : toUrl(one, `wasmPaths['${file}']`);
}

/** The worker script's URL from the `workerUrl` option; undefined: the package's own. */
export function workerScriptUrl(workerUrl: string | URL | undefined): URL | undefined {
  return workerUrl === undefined ? undefined : toUrl(workerUrl, 'workerUrl');
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d]; // "\0asm", the first bytes of every WebAssembly module

/**
 * Throws a `not-wasm` BackendError naming the URL when `bytes` do not start like WebAssembly:
 * typically a dev server or CDN that answers a missing file with an HTML page.
 */
export function checkWasmBytes(bytes: Uint8Array, url: URL): void {
  if (MAGIC.every((b, i) => bytes[i] === b)) return;
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = new TextDecoder().decode(bytes.subarray(0, 15)).replace(/[^\x20-\x7e]/g, '.');
  throw new BackendError(
    'not-wasm',
    `wasm backend: ${url} is not WebAssembly (it starts with ${head || 'nothing'}, "${text}", not 00 61 73 6d): the server answered with something else, often an HTML page for a missing file. Serve the package's wasm/ folder there, or tell the backend where it is with the wasmPaths option`,
  );
}
