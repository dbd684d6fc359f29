// A user's Vite app on the packed packages (packed-app.ts): test/vite-app/ (a page that runs a
// shipped PA model on the wasm and the js backend, and the Vite config that
// packages/backend-wasm/README.md documents) installed with plain npm, offline, together with
// Vite itself (packed from the workspace's install with its dependencies), then `vite build`
// served by `vite preview`, and the dev server, each page loaded in headless Chromium on one
// thread and on two. The dev server is where the .wasm URL breaks (pre-bundling moves the
// package's code away from its wasm/ folder and the URL answers with HTML); the last cases show
// that the check catches it, and what a half setting gives.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@pabnn/backend-js';
import { load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageOutput } from './chromium-page.js';
import { dependencyClosure } from './dependency-closure.js';
import { installApp, pack, packInstalled, root, userEnv } from './packed-app.js';
import { startVite, viteBin } from './vite-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const PACKAGES = ['ir', 'quantizer', 'backend', 'backend-js', 'backend-wasm', 'runtime'];
// a PA model, so the wasm XOR/popcount kernels really run
const MODEL = join(root, 'models/fashion-mnist__resnet8__pa-4x5.pabnn');

interface Outcome {
  backend?: string;
  logits?: number[];
  error?: string;
}
interface PageResult {
  crossOriginIsolated: boolean;
  wasm: Outcome;
  js: Outcome;
}

let dir: string;
let app: string;
let browser: Browser;
let expected: number[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pabnn-vite-'));
  const tarballs = join(dir, 'tarballs');
  // the Vite this workspace pins (a devDependency of this package), as npm would install it
  const vite = realpathSync(join(here, '../node_modules/vite'));
  app = installApp(join(dir, 'app'), [
    ...pack(
      PACKAGES.map((p) => `packages/${p}`),
      tarballs,
    ),
    ...packInstalled([vite, ...dependencyClosure(vite).values()], tarballs),
  ]);
  cpSync(join(here, 'vite-app'), app, { recursive: true });
  mkdirSync(join(app, 'public'));
  cpSync(MODEL, join(app, 'public/model.pabnn'));
  browser = await launchChromium();
  expected = await nodeLogits();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The reference: the same model and input on the js backend of the workspace, in Node. */
async function nodeLogits(): Promise<number[]> {
  const session = await Session.create(load(readFileSync(MODEL)), { backend: 'js' });
  const x = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i / 7));
  const out = await session.run({ image: tensor('float32', [1, 28, 28, 1], x) });
  session.dispose();
  return Array.from(Object.values(out)[0].data as Float32Array);
}

/** Both backends ran in the page, and each gave the reference's logits (to 1e-4 of the largest). */
function expectReference(result: PageResult): void {
  const scale = Math.max(...expected.map(Math.abs));
  for (const name of ['wasm', 'js'] as const) {
    const outcome = result[name];
    expect(outcome.error, name).toBeUndefined();
    expect(outcome.backend).toBe(name);
    expect(outcome.logits).toHaveLength(expected.length);
    outcome.logits?.forEach((v, i) => {
      expect(Math.abs(v - expected[i]), `${name} logit ${i}`).toBeLessThanOrEqual(1e-4 * scale);
    });
  }
}

/** `vite build` of the app into `outDir`: its exit status and what it printed (warnings, errors). */
function viteBuild(outDir: string, env: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    [viteBin(app), 'build', '--logLevel', 'warn', '--outDir', outDir],
    { cwd: app, env: { ...userEnv, ...env }, encoding: 'utf8' },
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Starts `vite ...args` in the app, loads its page once per query, stops the server. */
async function runPages(args: string[], queries: string[]): Promise<PageResult[]> {
  const server = await startVite(app, args);
  try {
    const results: PageResult[] = [];
    for (const query of queries)
      results.push((await pageOutput(browser, `${server.url}${query}`)) as PageResult);
    return results;
  } finally {
    await server.stop();
  }
}

/**
 * One thread and two (the kernel worker loaded from where Vite put it, in an isolated page):
 * both give the reference's logits, and the same bits (each output is one thread's sum).
 */
async function expectBothThreadCounts(args: string[]): Promise<void> {
  const [one, two] = await runPages(args, ['', '?threads=2']);
  expectReference(one);
  expect(two.crossOriginIsolated).toBe(true);
  expectReference(two);
  expect(two.wasm.logits).toEqual(one.wasm.logits);
}

describe('a Vite app on the packed packages, in headless Chromium', () => {
  it("uses exactly the Vite config of backend-wasm's README", () => {
    // the app's config, less its comment, is the README's vite.config.js block
    const config = readFileSync(join(app, 'vite.config.js'), 'utf8').replace(/^(\/\/.*\n)+/, '');
    const readme = readFileSync(join(root, 'packages/backend-wasm/README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(config);
  });

  it('vite build, served by vite preview, runs the model on wasm, on one thread and on two', async () => {
    // and silently: no warning for users to wonder about (a node:worker_threads import gave one)
    expect(viteBuild('dist')).toEqual({ status: 0, output: '' });
    // the kernels were found through their new URL(...) and shipped with the app
    const assets = readdirSync(join(app, 'dist/assets'));
    expect(assets.filter((f) => /^pa-(simd|scalar)(-threads)?-.*\.wasm$/.test(f))).toHaveLength(4);
    await expectBothThreadCounts(['preview']);
  });

  it('vite build also makes a development build (NODE_ENV=development)', () => {
    // Vite's default worker format (a classic script) cannot hold a worker split into chunks,
    // which a development build makes of kernel-worker.js's dynamic imports
    expect(viteBuild('dist-dev', { NODE_ENV: 'development' })).toEqual({ status: 0, output: '' });
  });

  it('the Vite dev server runs the model on wasm, on one thread and on two', async () => {
    await expectBothThreadCounts([]);
  });

  it('without the setting the dev server answers the .wasm URL with HTML, and the page says so', async () => {
    writeFileSync(join(app, 'no-setting.config.js'), 'export default {};\n');
    // --force: pre-bundle afresh, not from the previous case's cache
    const [result] = await runPages(['--config', 'no-setting.config.js', '--force'], ['']);
    expect(result.wasm.error).toMatch(/is not WebAssembly.*not 00 61 73 6d/);
    expect(result.js.error).toBeUndefined();
  });

  it("with backend-wasm excluded but not the registry, the error names Vite's setting", async () => {
    writeFileSync(
      join(app, 'half-setting.config.js'),
      "export default { optimizeDeps: { exclude: ['@pabnn/backend-wasm'] } };\n",
    );
    const [result] = await runPages(['--config', 'half-setting.config.js', '--force'], ['']);
    // the pre-bundled runtime holds a registry of its own, which the wasm backend never joined
    expect(result.wasm.error).toMatch(
      /^duplicate-package: .*Vite's pre-bundled copy: add '@pabnn\/backend' to optimizeDeps\.exclude/,
    );
  });
});
