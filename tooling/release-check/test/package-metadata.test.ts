// What npm shows and ships for each published package: the MIT LICENSE (npm packs only the
// package folder, so each has its own copy of the root one), keywords and the Node engine.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const published = readdirSync(join(root, 'packages')).filter((p) => {
  const file = join(root, 'packages', p, 'package.json');
  return existsSync(file) && !JSON.parse(readFileSync(file, 'utf8')).private;
});

describe('published package metadata', () => {
  it('the root LICENSE is MIT, copyright the PA-BNN authors', () => {
    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toMatch(/^Copyright \(c\) the PA-BNN authors$/m);
    expect(license).toMatch(/THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND/);
    expect(published.length).toBeGreaterThanOrEqual(10);
  });

  for (const p of published) {
    it(`@pabnn/${p}: LICENSE packed, license MIT, keywords, engines node >= 20`, () => {
      const folder = join(root, 'packages', p);
      const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      expect(pkg.license).toBe('MIT');
      expect(readFileSync(join(folder, 'LICENSE'), 'utf8')).toBe(license);
      expect(pkg.engines).toEqual({ node: '>=20' });
      expect(Array.isArray(pkg.keywords)).toBe(true);
      expect(pkg.keywords.length).toBeGreaterThan(0);
      for (const k of pkg.keywords) expect(typeof k).toBe('string');
      // ESM only, but every entry has a `default` condition, which both import and require()
      // match (Node's require of ES modules); an `import`-only entry breaks require
      for (const entry of Object.values(pkg.exports) as Record<string, unknown>[]) {
        expect(entry).toHaveProperty('default');
        expect(entry).not.toHaveProperty('import');
      }
      // what `npm publish` would upload: the file list of a dry-run pack
      const [packed] = JSON.parse(
        execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
          cwd: folder,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      );
      const files = (packed.files as { path: string }[]).map((f) => f.path);
      expect(files).toContain('LICENSE');
      expect(files).toContain('package.json');
    }, 60_000);
  }
});
