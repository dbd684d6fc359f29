// `import '@pabnn/convert'` bundled as an app would: esbuild resolves the package through its
// exports map from a folder outside the workspace. For the browser it must take the browser
// entry, bundle with no errors and no Node module left; for Node, the Node entry with the
// file reader (package README, "Node and browsers").
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    errors: unknown[];
    outputFiles: { text: string }[];
  }>;
}
// the workspace's esbuild (a devDependency of apps/bench), as backend-wasm's bundle test uses
const esbuild = createRequire(join(pkgDir, '../../apps/bench/package.json'))('esbuild') as Esbuild;

let app: string;
beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'pabnn-convert-bundle-'));
  mkdirSync(join(app, 'node_modules/@pabnn'), { recursive: true });
  symlinkSync(pkgDir, join(app, 'node_modules/@pabnn/convert'), 'dir');
});
afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

const bundle = (platform: 'browser' | 'node', from: string) =>
  esbuild.build({
    stdin: {
      contents: `import * as convert from '${from}'; globalThis.names = Object.keys(convert);`,
      resolveDir: app,
    },
    bundle: true,
    platform,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });

describe('@pabnn/convert in bundles', () => {
  it('esbuild --platform=browser bundles it with no Node module and without the file reader', async () => {
    const result = await bundle('browser', '@pabnn/convert');
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).toMatch(/importOnnx/);
    expect(code).not.toMatch(/(from|import\s*\(|require\s*\()\s*["'](node:)?(fs|path)["']/);
    expect(code).not.toMatch(/readTfjsModel/);
  }, 60_000);

  it('esbuild --platform=node takes the Node entry, with readTfjsModel', async () => {
    for (const from of ['@pabnn/convert', '@pabnn/convert/node']) {
      const result = await bundle('node', from);
      expect(result.errors).toEqual([]);
      const code = result.outputFiles[0].text;
      expect(code).toMatch(/readTfjsModel/);
      expect(code).toMatch(/from "node:fs"/);
    }
  }, 60_000);
});
