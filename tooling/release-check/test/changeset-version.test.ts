// `pnpm changeset version` on a copy of the workspace's manifests and changesets: every pending
// changeset must parse and bump its packages (a formatter once turned their front matter into
// Markdown headings, which only this command notices).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

it('changeset version bumps every package a pending changeset names and writes its changelog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pabnn-changeset-'));
  try {
    for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset']) {
      cpSync(join(root, f), join(dir, f), { recursive: true });
    }
    for (const group of ['packages', 'apps', 'tooling']) {
      for (const name of readdirSync(join(root, group))) {
        const manifest = join(root, group, name, 'package.json');
        if (existsSync(manifest)) cpSync(manifest, join(dir, group, name, 'package.json'));
      }
    }
    const named = new Set<string>();
    const majors = new Set<string>();
    for (const f of readdirSync(join(dir, '.changeset')).filter((f) => f.endsWith('.md'))) {
      for (const m of readFileSync(join(dir, '.changeset', f), 'utf8').matchAll(
        /^"(@pabnn\/[\w-]+)": (\w+)/gm,
      )) {
        named.add(m[1]);
        if (m[2] === 'major') majors.add(m[1]);
      }
    }
    const cli = createRequire(join(root, 'package.json')).resolve('@changesets/cli/bin.js');
    execFileSync(process.execPath, [cli, 'version'], { cwd: dir, stdio: 'pipe' });
    expect(named.size).toBeGreaterThan(0);
    for (const name of named) {
      const folder = name.replace('@pabnn/', '');
      const pkg = JSON.parse(readFileSync(join(dir, 'packages', folder, 'package.json'), 'utf8'));
      const before = JSON.parse(
        readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8'),
      );
      expect(pkg.version, name).not.toBe(before.version);
      // a peer's bump within its range (@pabnn/backend is a peer of the backends and the
      // runtime, .changeset/config.json) does not make a dependent's major
      if (!majors.has(name))
        expect(pkg.version.split('.')[0], name).toBe(before.version.split('.')[0]);
      expect(readFileSync(join(dir, 'packages', folder, 'CHANGELOG.md'), 'utf8')).toContain(
        `## ${pkg.version}`,
      );
    }
    // consumed: no pending changeset is left behind
    expect(
      readdirSync(join(dir, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md'),
    ).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
