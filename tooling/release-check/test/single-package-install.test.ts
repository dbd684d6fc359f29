// What a user outside this monorepo gets (packed-app.ts): the packages installed with plain
// npm into an empty folder, then a shipped PA model run from a small ESM script and from a
// CommonJS one (require), the packages bundled for browsers by esbuild, and a TypeScript file
// type-checked against the installed declarations.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installApp, pack, root, run } from './packed-app.js';

// @pabnn/runtime with the wasm backend needs these (dependencies, and js for the float ops)
const PACKAGES = ['ir', 'quantizer', 'backend', 'backend-js', 'backend-wasm', 'runtime'];
// a PA model, so the wasm XOR/popcount kernels really run
const MODEL = join(root, 'models/fashion-mnist__resnet8__pa-4x5.pabnn');

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pabnn-install-'));
  const tarballs = pack(
    PACKAGES.map((p) => `packages/${p}`),
    join(dir, 'tarballs'),
  );
  installApp(join(dir, 'app'), tarballs);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The reference: the same model and input through the workspace's own packages. */
async function workspaceLogits(input: Float32Array): Promise<number[]> {
  const session = await Session.create(load(readFileSync(MODEL)), { backend: 'wasm' });
  const out = await session.run({ image: tensor('float32', [1, 28, 28, 1], input) });
  session.dispose();
  return Array.from(Object.values(out)[0].data as Float32Array);
}

describe('packed packages installed with npm outside the workspace', () => {
  it('run a shipped model on the wasm backend from an ESM script', async () => {
    const app = join(dir, 'app');
    writeFileSync(
      join(app, 'main.mjs'),
      `import { readFileSync } from 'node:fs';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';

const graph = load(readFileSync(process.argv[2]));
const x = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i / 7));
const session = await Session.create(graph, { backend: 'wasm', fallback: false });
const out = await session.run({ image: tensor('float32', [1, 28, 28, 1], x) });
const logits = Array.from(Object.values(out)[0].data);
// the threaded build: its worker file and .wasm must resolve from the installed package too
const threaded = await Session.create(graph, {
  backend: 'wasm',
  backendOptions: { threads: 2 },
  fallback: false,
});
const out2 = await threaded.run({ image: tensor('float32', [1, 28, 28, 1], x) });
const threadedLogits = Array.from(Object.values(out2)[0].data);
process.stdout.write(JSON.stringify({ backend: session.profile().backend, logits, threadedLogits }));
`,
    );
    const result = JSON.parse(run(process.execPath, ['main.mjs', MODEL], app));
    expect(result.backend).toBe('wasm');
    const x = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i / 7));
    const expected = await workspaceLogits(x);
    const scale = Math.max(...expected.map(Math.abs));
    expect(result.logits).toHaveLength(10);
    result.logits.forEach((v: number, i: number) => {
      expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-4 * scale);
    });
    expect(result.threadedLogits).toEqual(result.logits);
    // the .wasm kernels came with the package
    const wasm = join(app, 'node_modules/@pabnn/backend-wasm/wasm');
    expect(readFileSync(join(wasm, 'pa-simd.wasm')).length).toBeGreaterThan(0);
    expect(readFileSync(join(wasm, 'pa-scalar.wasm')).length).toBeGreaterThan(0);
    expect(readFileSync(join(wasm, 'pa-simd-threads.wasm')).length).toBeGreaterThan(0);
  });

  it('require() them from a CommonJS script (ESM-only, loaded through the default condition)', async () => {
    const app = join(dir, 'app');
    writeFileSync(
      join(app, 'main.cjs'),
      `const { readFileSync } = require('node:fs');
require('@pabnn/backend-js');
require('@pabnn/backend-wasm');
const { load, tensor } = require('@pabnn/ir');
const { Session } = require('@pabnn/runtime');
const { getBackend } = require('@pabnn/backend');

(async () => {
  const graph = load(readFileSync(process.argv[2]));
  const x = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i / 7));
  const session = await Session.create(graph, { backend: 'wasm', fallback: false });
  const out = await session.run({ image: tensor('float32', [1, 28, 28, 1], x) });
  process.stdout.write(JSON.stringify({
    backend: session.profile().backend,
    registered: getBackend('wasm').name,
    logits: Array.from(Object.values(out)[0].data),
  }));
})();
`,
    );
    const result = JSON.parse(run(process.execPath, ['main.cjs', MODEL], app));
    expect(result.backend).toBe('wasm');
    expect(result.registered).toBe('wasm');
    const x = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i / 7));
    const expected = await workspaceLogits(x);
    const scale = Math.max(...expected.map(Math.abs));
    expect(result.logits).toHaveLength(10);
    result.logits.forEach((v: number, i: number) => {
      expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-4 * scale);
    });
  });

  it('bundle them for browsers with esbuild --platform=browser, no externals', async () => {
    const app = join(dir, 'app');
    // the workspace's esbuild (a devDependency of apps/bench), as the packages' bundle tests use
    const esbuild = createRequire(join(root, 'apps/bench/package.json'))('esbuild') as {
      build(
        o: Record<string, unknown>,
      ): Promise<{ errors: unknown[]; outputFiles: { text: string }[] }>;
    };
    const result = await esbuild.build({
      stdin: {
        contents: `import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { load } from '@pabnn/ir';
import { createQuantizer } from '@pabnn/quantizer';
import { Session } from '@pabnn/runtime';
globalThis.api = { load, createQuantizer, Session };`,
        resolveDir: app,
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0].text;
    // resolved from the installed packages, not the workspace
    expect(code).toMatch(/node_modules\/@pabnn\/runtime\/dist\/session\.js/);
    expect(code).not.toMatch(/(from|import\s*\(|require\s*\()\s*["']node:/);
  });

  it('type-check a TypeScript user file against the installed declarations', () => {
    const app = join(dir, 'app');
    writeFileSync(
      join(app, 'check.ts'),
      `import { getBackend } from '@pabnn/backend';
import { WasmBackend } from '@pabnn/backend-wasm';
import { type Graph, tensor } from '@pabnn/ir';
import { createQuantizer } from '@pabnn/quantizer';
import { Session, type SessionProfile } from '@pabnn/runtime';

export async function classify(graph: Graph): Promise<SessionProfile> {
  const session: Session = await Session.create(graph, { backend: 'wasm' });
  await session.run({ image: tensor('float32', [1, 28, 28, 1], new Float32Array(784)) });
  const stairs = createQuantizer({ name: 'pa', bases: 4 }).fit([0.1, -0.2, 0.3, 0.5, -0.7]);
  const build: 'simd' | 'scalar' = (await WasmBackend.create()).build;
  void stairs.levels.length;
  void build;
  void getBackend('wasm').name;
  return session.profile();
}
`,
    );
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const output = (() => {
      try {
        return run(process.execPath, [tsc, ...args, '--target', 'es2022', 'check.ts'], app);
      } catch (error) {
        return (error as { stdout: string }).stdout;
      }
    })();
    expect(output).toBe('');
  });
});
