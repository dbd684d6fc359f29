// The API reference (`pnpm docs:api`, tooling/scripts/api-docs.mjs) generated into a temporary
// folder: one page per published package, and every run-time export of every entry of its
// exports map (imported from the built package) has its section there.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './packed-app.js';

const published = readdirSync(join(root, 'packages')).filter((p) => {
  const file = join(root, 'packages', p, 'package.json');
  return existsSync(file) && !JSON.parse(readFileSync(file, 'utf8')).private;
});

let out: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'pabnn-api-docs-'));
  const script = pathToFileURL(join(root, 'tooling/scripts/api-docs.mjs')).href;
  const { generate } = (await import(script)) as { generate(dir: string): string[] };
  generate(out);
}, 300_000);
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('the generated API reference', () => {
  it('has an index naming a page per published package', () => {
    const index = readFileSync(join(out, 'README.md'), 'utf8');
    expect(published.length).toBeGreaterThanOrEqual(10);
    for (const p of published) expect(index).toContain(`(${p}.md)`);
  });

  it('shows signatures and doc comments', () => {
    const wasm = readFileSync(join(out, 'backend-wasm.md'), 'utf8');
    expect(wasm).toContain('### WasmBackendOptions (interface)');
    expect(wasm).toMatch(
      /- `wasmPaths\?: WasmPaths \| undefined`: Where the \.wasm files are fetched from/,
    );
    const backend = readFileSync(join(out, 'backend.md'), 'utf8');
    expect(backend).toContain('function getBackend(name: string) => BackendPlugin');
    expect(backend).toContain('class BackendError extends PabnnError');
    expect(backend).toContain('## `@pabnn/backend/conformance`');
  });

  for (const p of published) {
    it(`@pabnn/${p}: every run-time export of every entry has a section`, async () => {
      const pkg = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8'));
      const page = readFileSync(join(out, `${p}.md`), 'utf8');
      const sections = page.split(/^## /m).slice(1);
      const entries = Object.entries(pkg.exports as Record<string, Record<string, string>>);
      expect(sections).toHaveLength(entries.length);
      for (const [subpath, target] of entries) {
        const importPath = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
        const section = sections.find((s) => s.startsWith(`\`${importPath}\``)) ?? '';
        const file = join(root, 'packages', p, target.default ?? target.import);
        const names = Object.keys(await import(pathToFileURL(file).href));
        expect(names.length).toBeGreaterThan(0);
        for (const name of names)
          expect(section, `${importPath}: ${name}`).toContain(`### ${name} (`);
      }
    });
  }
});
