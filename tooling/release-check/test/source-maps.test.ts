// Source maps ship with their sources: every .map file that `npm publish` would upload (the
// file list of a dry-run pack) names sources that are uploaded too, or carries them inline, so
// a debugger or an editor's go-to-definition never points at a file the user does not have.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './packed-app.js';

const published = readdirSync(join(root, 'packages')).filter((p) => {
  const file = join(root, 'packages', p, 'package.json');
  return existsSync(file) && !JSON.parse(readFileSync(file, 'utf8')).private;
});

interface SourceMap {
  sourceRoot?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
}

describe('source maps in the packed packages', () => {
  for (const p of published) {
    it(`@pabnn/${p}: every map's sources are packed or inline`, () => {
      const folder = join(root, 'packages', p);
      const [packed] = JSON.parse(
        execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
          cwd: folder,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      );
      const files = new Set((packed.files as { path: string }[]).map((f) => f.path));
      const maps = [...files].filter((f) => f.endsWith('.map'));
      // built packages have maps of both kinds; none at all would make this test vacuous
      expect(maps.some((m) => m.endsWith('.js.map'))).toBe(true);
      expect(maps.some((m) => m.endsWith('.d.ts.map'))).toBe(true);
      const missing: string[] = [];
      for (const m of maps) {
        const map = JSON.parse(readFileSync(join(folder, m), 'utf8')) as SourceMap;
        map.sources.forEach((source, i) => {
          if (typeof map.sourcesContent?.[i] === 'string') return;
          const path = posix.normalize(posix.join(dirname(m), map.sourceRoot ?? '', source));
          if (!files.has(path)) missing.push(`${m} -> ${path}`);
        });
      }
      expect(missing).toEqual([]);
    }, 60_000);
  }
});
