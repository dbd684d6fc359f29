// A browser bundle of the package entry: esbuild --platform=browser must not fail on Node's
// modules (read only under Node, through computed specifiers in wasm-module.ts and
// thread-pool.ts), and nothing in the bundle may import a `node:` module by a literal name.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(pkgDir, '../..');
/** The part of esbuild's API used here. */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    errors: unknown[];
    outputFiles: { text: string }[];
  }>;
}

// the workspace's esbuild (a devDependency of apps/bench), not one of this package's
const esbuild = createRequire(join(root, 'apps/bench/package.json'))('esbuild') as Esbuild;

describe('browser bundle', () => {
  it('esbuild --platform=browser bundles the package entry without errors', async () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const entry = join(pkgDir, pkg.exports['.'].default);
    for (const minify of [false, true]) {
      const result = await esbuild.build({
        entryPoints: [entry],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        minify,
        write: false,
        logLevel: 'silent',
      });
      expect(result.errors).toEqual([]);
      const code = result.outputFiles[0].text;
      expect(code.length).toBeGreaterThan(10_000);
      // no static or literal dynamic import of a Node module survives
      expect(code).not.toMatch(/(from|import\s*\(|require\s*\()\s*["']node:/);
      // the kernels' .wasm files are still referenced for the browser to fetch
      expect(code).toMatch(/pa-simd\.wasm/);
    }
  }, 60_000);
});
