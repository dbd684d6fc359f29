import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, save } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { pabnn } from './run-cli.js';

const models = fileURLToPath(new URL('../../../models/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pabnn-help-'));

/** The shipped MNIST model with its metadata.dataset replaced (undefined: removed). */
function withDataset(dataset: string | undefined): string {
  const graph = load(readFileSync(join(models, 'mnist__resnet8__float.pabnn')));
  if (dataset === undefined) delete graph.metadata.dataset;
  else graph.metadata.dataset = dataset;
  const path = join(dir, `model-${dataset ?? 'none'}.pabnn`);
  writeFileSync(path, save(graph));
  return path;
}

const OPTIONS: Record<string, string[]> = {
  run: ['backend', 'top', 'preprocess', 'labels', 'output', 'json'],
  eval: ['dataset', 'backend', 'limit', 'json'],
  bench: ['backend', 'runs', 'warmup', 'threads', 'json'],
  info: ['json'],
  quantize: [
    'output',
    'scheme',
    'weight-bases',
    'activation-bases',
    'strategy',
    'calibrate',
    'preprocess',
    'json',
  ],
};

describe('pabnn help', () => {
  it('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-v']) {
      const r = await pabnn(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
    expect((await pabnn('--help')).stdout).toMatch(/pabnn --version/);
  });

  it('each command --help describes every option and gives an example', async () => {
    for (const [command, options] of Object.entries(OPTIONS)) {
      const r = await pabnn(command, '--help');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: pabnn ${command} `, 'm'));
      const lines = r.stdout.split('\n');
      for (const o of [...options, 'verbose', 'help']) {
        const line = lines.find((l) => new RegExp(`^ +(-\\w, )?--${o}\\b`).test(l));
        expect(line, `${command} --${o}`).toBeDefined();
        // a description after the flag
        expect(line?.replace(/^ +(-\w, )?--[\w-]+( <value>)?/, '').trim().length).toBeGreaterThan(
          5,
        );
      }
      const examples = lines.slice(lines.indexOf('examples:') + 1);
      expect(
        examples.some((l) => l.startsWith(`  pabnn ${command} `)),
        command,
      ).toBe(true);
    }
  }, 60_000);

  it("eval takes the dataset from the model's metadata; neither is a usage error", async () => {
    const model = join(models, 'fashion-mnist__resnet8__pa-4x5.pabnn');
    const r = await pabnn('eval', model, '--limit', '100', '--backend', 'js', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ dataset: 'fashion-mnist', images: 100 });
    expect(report.top1).toBeGreaterThan(0.8);

    const none = await pabnn('eval', withDataset(undefined), '--limit', '10');
    expect(none.code, none.stderr).toBe(2);
    const [first, second] = none.stderr.trim().split('\n');
    expect(first).toMatch(
      /^pabnn eval: .*model-none\.pabnn does not name its dataset \(metadata\.dataset\); pass --dataset mnist\|fashion-mnist$/,
    );
    expect(second).toMatch(/^usage: pabnn eval /);
    // --dataset is enough then
    const given = await pabnn(
      'eval',
      withDataset(undefined),
      '--dataset',
      'mnist',
      '--limit',
      '50',
      '--backend',
      'js',
      '--json',
    );
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(given.stdout).top1).toBeGreaterThan(0.9);

    const cifar = await pabnn('eval', withDataset('cifar10'), '--limit', '10');
    expect(cifar.code).toBe(2);
    expect(cifar.stderr).toMatch(/was trained on 'cifar10', which eval does not have/);
  }, 120_000);
});
