// Two copies of this package in one process (what a nested install of a second version
// gives): each copy is this package's source built by esbuild into its own folder, and a
// separate Node process loads both, registers a plugin in one and asks the other for it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// the workspace's esbuild (a devDependency of apps/bench), as backend-wasm's bundle test uses
const esbuild = createRequire(join(pkgDir, '../../apps/bench/package.json'))('esbuild') as {
  build(options: Record<string, unknown>): Promise<unknown>;
};

let dir: string;
const copy = (name: string) => join(dir, name, 'index.js');
// where Vite's dev server keeps a pre-bundled dependency (with this package inside)
const VITE_COPY = 'node_modules/.vite/deps';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pabnn-registry-copies-'));
  for (const name of ['copy-a', 'copy-b', VITE_COPY]) {
    await esbuild.build({
      entryPoints: [join(pkgDir, 'src/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: copy(name),
      logLevel: 'silent',
    });
  }
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `body` in a fresh Node process with copy A as `a` and copy B as `b`; its JSON result. */
function inProcess(body: string, copyB = 'copy-b'): Record<string, unknown> {
  const script = join(dir, `main-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `const a = await import(${JSON.stringify(pathToFileURL(copy('copy-a')).href)});
const b = await import(${JSON.stringify(pathToFileURL(copy(copyB)).href)});
const plugin = (name) => ({ name, apiVersion: b.BACKEND_API_VERSION, priority: 1,
  isSupported: () => true, create: () => ({}) });
const caught = (f) => { try { f(); return null; } catch (e) { return { code: e.code, message: e.message, name: e.name }; } };
${body}`,
  );
  return JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' }));
}

describe('two copies of @pabnn/backend in one process', () => {
  it('a lookup in one copy of a plugin registered in the other names both copies', () => {
    const r = inProcess(`b.registerBackend(plugin('wasm'));
console.log(JSON.stringify({
  copies: a.loadedCopies().map((c) => c.location),
  error: caught(() => a.getBackend('wasm')),
  inB: b.getBackend('wasm').name,
  warning: a.strayBackendsWarning() ?? null,
  warningInB: b.strayBackendsWarning() ?? null,
}));`);
    expect(r.copies).toEqual([
      pathToFileURL(copy('copy-a')).href,
      pathToFileURL(copy('copy-b')).href,
    ]);
    const error = r.error as { code: string; message: string; name: string };
    expect(error.name).toBe('BackendError');
    expect(error.code).toBe('duplicate-package');
    expect(error.message).toContain(
      `backend 'wasm' is registered in another copy of @pabnn/backend (${pathToFileURL(copy('copy-b')).href}`,
    );
    expect(error.message).toContain(`not in the one asked (${pathToFileURL(copy('copy-a')).href})`);
    expect(error.message).toMatch(/2 copies of @pabnn\/backend are loaded.*npm dedupe/);
    expect(r.inB).toBe('wasm');
    // copy A cannot see wasm, so it warns; copy B sees everything there is
    expect(r.warning).toBe(error.message);
    expect(r.warningInB).toBeNull();
  });

  it("where one copy is Vite's pre-bundled one, the error says which Vite setting ends it", () => {
    const r = inProcess(
      `b.registerBackend(plugin('wasm'));
console.log(JSON.stringify({ error: caught(() => a.getBackend('wasm')) }));`,
      VITE_COPY,
    );
    const error = r.error as { code: string; message: string };
    expect(error.code).toBe('duplicate-package');
    expect(error.message).toMatch(
      /One of them is Vite's pre-bundled copy: add '@pabnn\/backend' to optimizeDeps\.exclude/,
    );
    expect(error.message).not.toMatch(/npm dedupe/);
  });

  it('a name registered nowhere is still plainly missing, and no warning without strays', () => {
    const r = inProcess(`a.registerBackend(plugin('js'));
b.registerBackend(plugin('js'));
console.log(JSON.stringify({ error: caught(() => a.getBackend('webnn')), warning: a.strayBackendsWarning() ?? null }));`);
    expect((r.error as { code: string }).code).toBe('missing-backend');
    expect(r.warning).toBeNull();
  });
});
