// One backend registry per app. @pabnn/backend is a peer dependency of the backends and the
// runtime, so npm installs one copy that all share, and refuses a mismatched set instead of
// nesting a second copy. Where a second copy is nested anyway (an older release, another
// package manager), asking for the backend registered in the other copy must name both copies
// (packages/backend/src/registry-copies.ts), not claim the backend is missing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installApp, pack, root, run } from './packed-app.js';

const PACKAGES = ['ir', 'quantizer', 'backend', 'backend-js', 'backend-wasm', 'runtime'];
const MODEL = join(root, 'models/fashion-mnist__resnet8__pa-4x5.pabnn');

let dir: string;
let tarballs: string[];
const tarball = (name: string) => tarballs[PACKAGES.indexOf(name)];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pabnn-duplicate-'));
  tarballs = pack(
    PACKAGES.map((p) => `packages/${p}`),
    join(dir, 'tarballs'),
  );
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Unpacks a tarball into `folder` (npm tarballs hold one top folder, `package/`). */
function unpack(file: string, folder: string): void {
  mkdirSync(folder, { recursive: true });
  execFileSync('tar', ['-xzf', file, '--strip-components=1', '-C', folder]);
}

describe('copies of @pabnn/backend in an npm install', () => {
  it('npm installs one copy for the backends and the runtime', () => {
    const app = installApp(join(dir, 'one'), tarballs);
    const copies = run('npm', ['ls', '@pabnn/backend', '--all', '--parseable'], app)
      .trim()
      .split('\n');
    expect(copies).toEqual([join(app, 'node_modules/@pabnn/backend')]);
  }, 300_000);

  it('npm refuses a set whose @pabnn/backend does not satisfy a backend package', () => {
    const other = join(dir, 'backend-1.0.0');
    unpack(tarball('backend'), other);
    const manifest = JSON.parse(readFileSync(join(other, 'package.json'), 'utf8'));
    writeFileSync(join(other, 'package.json'), JSON.stringify({ ...manifest, version: '1.0.0' }));
    const newer = run('npm', ['pack', '--pack-destination', dir], other).trim().split('\n').at(-1);
    const app = join(dir, 'mismatch');
    let stderr = '';
    try {
      installApp(app, [
        join(dir, newer as string),
        tarball('ir'),
        tarball('quantizer'),
        tarball('backend-wasm'),
      ]);
    } catch (error) {
      stderr = (error as { stderr: string }).stderr;
    }
    expect(stderr).toMatch(/ERESOLVE/);
    expect(stderr).toMatch(/peer @pabnn\/backend@"\^0" from @pabnn\/backend-wasm/);
  }, 300_000);

  it('with a second copy nested under backend-wasm, the error names both copies', () => {
    const app = installApp(join(dir, 'nested'), tarballs);
    const nested = join(app, 'node_modules/@pabnn/backend-wasm/node_modules/@pabnn/backend');
    unpack(tarball('backend'), nested);
    writeFileSync(
      join(app, 'main.mjs'),
      `import { readFileSync } from 'node:fs';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { load } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';

const graph = load(readFileSync(process.argv[2]));
let named;
try {
  await Session.create(graph, { backend: 'wasm' });
} catch (error) {
  named = { name: error.name, code: error.code, message: error.message };
}
const warnings = [];
const any = await Session.create(graph, { onWarning: (m) => warnings.push(m) });
process.stdout.write(JSON.stringify({ named, warnings, picked: any.profile().backend }));
`,
    );
    const result = JSON.parse(run(process.execPath, ['main.mjs', MODEL], app));
    const top = pathToFileURL(join(app, 'node_modules/@pabnn/backend/dist/registry.js')).href;
    const inner = pathToFileURL(join(nested, 'dist/registry.js')).href;
    expect(result.named.name).toBe('BackendError');
    expect(result.named.code).toBe('duplicate-package');
    expect(result.named.message).toContain(
      `backend 'wasm' is registered in another copy of @pabnn/backend (${inner}`,
    );
    expect(result.named.message).toContain(`not in the one asked (${top})`);
    expect(result.named.message).toContain('npm dedupe');
    // without a name the session runs on what its copy has (js), and says what it cannot see
    expect(result.picked).toBe('js');
    expect(result.warnings).toContain(result.named.message);
  }, 300_000);
});
