// The CLI as published: `npm pack` of apps/cli, installed with plain npm into an empty folder
// together with its run-time dependencies packed from the workspace's own install
// (dependency-closure.ts), offline, then run as a user would (`npm exec pabnn`, i.e. npx).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencyClosure } from './dependency-closure.js';
import { installApp, pack, packInstalled, root, run, userEnv } from './packed-app.js';

const cliDir = join(root, 'apps/cli');
const cliManifest = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8'));
const MODEL = join(root, 'models/fashion-mnist__resnet8__pa-4x5.pabnn');

let dir: string;
let app: string;
let cliTarball: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pabnn-cli-install-'));
  const tarballs = join(dir, 'tarballs');
  [cliTarball] = pack(['apps/cli'], tarballs);
  const ours: string[] = [];
  const theirs: string[] = [];
  for (const folder of dependencyClosure(cliDir).values()) {
    if (folder.startsWith(join(root, 'packages'))) ours.push(relative(root, folder));
    else theirs.push(folder);
  }
  const deps = [...pack(ours, tarballs), ...packInstalled(theirs, tarballs)];
  app = installApp(join(dir, 'app'), [cliTarball, ...deps]);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `npm exec --offline -- pabnn ...args` in the app folder: its exit code and output. */
function pabnn(...args: string[]) {
  const r = spawnSync('npm', ['exec', '--offline', '--', 'pabnn', ...args], {
    cwd: app,
    encoding: 'utf8',
    env: userEnv,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the pabnn CLI packed and installed with npm', () => {
  it('is publishable: not private, a bin, MIT with its LICENSE packed', () => {
    expect(cliManifest.private).toBeUndefined();
    expect(cliManifest.bin).toEqual({ pabnn: './dist/cli.js' });
    expect(cliManifest.license).toBe('MIT');
    const files = execFileSync('tar', ['-tzf', cliTarball], { encoding: 'utf8' }).split('\n');
    for (const f of ['package/dist/cli.js', 'package/LICENSE', 'package/README.md'])
      expect(files).toContain(f);
    // its package.json after pack: workspace ranges became versions
    const packed = JSON.parse(
      execFileSync('tar', ['-xzOf', cliTarball, 'package/package.json'], { encoding: 'utf8' }),
    );
    expect(JSON.stringify(packed)).not.toMatch(/workspace:/);
  });

  it('pabnn --version and --help run from the installed bin', () => {
    const v = pabnn('--version');
    expect(v.stderr).toBe('');
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`${cliManifest.version}\n`);
    const help = pabnn('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: pabnn <command>/);
  });

  it('pabnn info reads a shipped model, pabnn bench runs it on wasm', () => {
    const info = pabnn('info', MODEL, '--json');
    expect(info.status).toBe(0);
    expect(JSON.parse(info.stdout).inputs[0].name).toBe('image');
    const bench = pabnn('bench', MODEL, '--backend', 'wasm', '--runs', '2', '--json');
    expect(bench.stderr).toBe('');
    expect(bench.status).toBe(0);
    expect(JSON.stringify(JSON.parse(bench.stdout))).toMatch(/"backend":"wasm"/);
  });

  it('pabnn eval and allocate without the optional @pabnn/train say how to get it (exit 1)', () => {
    expect(existsSync(join(app, 'node_modules/@pabnn/train'))).toBe(false);
    for (const command of ['eval', 'allocate']) {
      const r = pabnn(command, join(root, 'models/fashion-mnist__resnet8__float.pabnn'));
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `pabnn ${command}: this command needs @pabnn/train (with TensorFlow.js), an optional peer dependency of pabnn; install it with npm install @pabnn/train\n`,
      );
    }
  });

  it('@pabnn/backend-webgpu, installed without its optional peer webgpu, names it', () => {
    expect(existsSync(join(app, 'node_modules/webgpu'))).toBe(false);
    writeFileSync(
      join(app, 'gpu.mjs'),
      `import { WebGpuBackend } from '@pabnn/backend-webgpu';
try {
  (await WebGpuBackend.create()).dispose();
  console.log('created');
} catch (error) {
  console.log(\`\${error.code}: \${error.message}\`);
}
`,
    );
    expect(run(process.execPath, ['gpu.mjs'], app)).toMatch(
      /^no-adapter: .*the optional peer dependency 'webgpu' \(Dawn\) is not installed: npm install webgpu\)$/m,
    );
  });
});
