// The wasmPaths and workerUrl options against a real HTTP server on localhost: the .wasm files
// served from another folder (as a CDN would), a server that answers with an HTML page (what a
// dev server does for a missing file), a 404, and a worker script moved elsewhere.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import '@pabnn/backend-js';
import '../dist/index.js';
import { load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the built package, as threads.test.ts does: the thread pool starts dist/kernel-worker.js
import { WasmBackend } from '../dist/index.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL = join(pkgDir, '../../models/fashion-mnist__resnet8__pa-4x5.pabnn');

let server: Server;
let origin: string;
const requested: string[] = [];

beforeAll(async () => {
  // /cdn/pabnn/<file>: the package's wasm/ folder; /spa/<anything>: an HTML page; else 404
  server = createServer((req, res) => {
    const path = req.url ?? '';
    requested.push(path);
    const file = /^\/cdn\/pabnn\/([\w-]+\.wasm)$/.exec(path)?.[1];
    if (file) {
      res.writeHead(200, { 'content-type': 'application/wasm' });
      res.end(readFileSync(join(pkgDir, 'wasm', file)));
    } else if (path.startsWith('/spa/')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body>app</body></html>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const input = tensor(
  'float32',
  [1, 28, 28, 1],
  Float32Array.from({ length: 784 }, (_, i) => Math.cos(i / 5)),
);

async function logits(backendOptions: Record<string, unknown>): Promise<Float32Array> {
  const graph = load(readFileSync(MODEL));
  const session = await Session.create(graph, { backend: 'wasm', backendOptions, fallback: false });
  const out = await session.run({ image: input });
  session.dispose();
  return Object.values(out)[0].data as Float32Array;
}

/** The rejection of a promise, or a failure when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('wasmPaths', () => {
  it('a folder URL: the kernels are fetched from there and compute the same', async () => {
    const reference = await logits({ threads: 1 });
    requested.length = 0;
    const served = await logits({ threads: 1, wasmPaths: `${origin}/cdn/pabnn/` });
    expect(requested).toEqual(['/cdn/pabnn/pa-simd.wasm']);
    expect(Array.from(served)).toEqual(Array.from(reference));
  });

  it('one URL per file: the scalar and the threaded builds from the server', async () => {
    requested.length = 0;
    const scalar = await WasmBackend.create({
      simd: false,
      threads: 1,
      wasmPaths: { 'pa-scalar.wasm': new URL('/cdn/pabnn/pa-scalar.wasm', origin) },
    });
    expect(scalar.build).toBe('scalar');
    scalar.dispose();
    const threaded = await WasmBackend.create({ threads: 2, wasmPaths: `${origin}/cdn/pabnn/` });
    expect(threaded.threads).toBe(2);
    threaded.dispose();
    expect(requested).toEqual(['/cdn/pabnn/pa-scalar.wasm', '/cdn/pabnn/pa-simd-threads.wasm']);
  });

  it('an HTML answer is refused with the URL and what came back', async () => {
    const error = await rejection(WasmBackend.create({ threads: 1, wasmPaths: `${origin}/spa/` }));
    expect(error.code).toBe('not-wasm');
    expect(error.message).toContain(`${origin}/spa/pa-simd.wasm is not WebAssembly`);
    expect(error.message).toContain('3c 21 64 6f'); // "<!do"
    expect(error.message).toContain('"<!doctype html>"');
    expect(error.message).toMatch(/00 61 73 6d.*wasmPaths/);
  });

  it('a 404 and malformed options are named', async () => {
    const missing = await rejection(
      WasmBackend.create({ threads: 1, wasmPaths: `${origin}/nothing/` }),
    );
    expect(missing.code).toBe('wasm-fetch');
    expect(missing.message).toContain(`could not fetch ${origin}/nothing/pa-simd.wasm: HTTP 404`);
    const notFolder = await rejection(
      WasmBackend.create({ threads: 1, wasmPaths: `${origin}/cdn/pabnn` }),
    );
    expect(notFolder.code).toBe('bad-option');
    expect(notFolder.message).toMatch(/must name a folder \(end with '\/'\)/);
    const typo = await rejection(
      WasmBackend.create({ threads: 1, wasmPaths: { 'simd.wasm': `${origin}/x` } as never }),
    );
    expect(typo.message).toMatch(
      /wasmPaths names no such file: simd\.wasm \(the files are pa-simd\.wasm/,
    );
    const relative = await rejection(WasmBackend.create({ threads: 1, wasmPaths: 'assets/' }));
    expect(relative.message).toMatch(/wasmPaths "assets\/" is not a URL .*absolute/);
  });
});

describe('workerUrl', () => {
  it('starts the workers from the script given, and names it when it cannot', async () => {
    // the package's dist/ copied elsewhere: the worker script and the modules it imports
    const dir = mkdtempSync(join(pkgDir, 'node_modules', '.worker-copy-'));
    try {
      cpSync(join(pkgDir, 'dist'), join(dir, 'dist'), { recursive: true });
      const workerUrl = pathToFileURL(join(dir, 'dist/kernel-worker.js'));
      const reference = await logits({ threads: 1 });
      expect(Array.from(await logits({ threads: 2, workerUrl, minPartNs: 0 }))).toEqual(
        Array.from(reference),
      );
      const gone = pathToFileURL(join(dir, 'gone/kernel-worker.js'));
      const error = await rejection(WasmBackend.create({ threads: 2, workerUrl: gone }));
      expect(error.code).toBe('threads-unavailable');
      expect(error.message).toContain(`could not start 1 worker(s) from ${gone.href}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
