import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { pabnn } from './run-cli.js';

const model = fileURLToPath(
  new URL('../../../models/mnist__resnet8__float.pabnn', import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), 'pabnn-exit-'));
const image = join(dir, 'digit.png');
writeFileSync(image, PNG.sync.write(new PNG({ width: 28, height: 28 })));

describe('pabnn exit codes', () => {
  it('bad option values are usage errors (exit 2), checked before any work', async () => {
    for (const [args, message] of [
      [['run', model, image, '--top', 'abc'], /--top must be an integer >= 1, got abc/],
      [['run', model, image, '--top', '0'], /--top must be an integer >= 1, got 0/],
      [['run', model, image, '--top', '2.5'], /--top must be an integer >= 1, got 2.5/],
      [
        ['run', model, image, '--preprocess', 'weird'],
        /--preprocess must be one of none, unit, caffe, tf, got weird/,
      ],
      [
        ['quantize', model, '-o', join(dir, 'q.pabnn'), '--preprocess', 'weird'],
        /--preprocess must be one of/,
      ],
      [['bench', model, '--runs', '1e3'], /--runs must be an integer >= 1, got 1e3/],
      [['info', dir], /not a regular file: /],
      [['run', model, image, '--backend', 'cuda'], /--backend must be one of .*js.*, got cuda/],
      [['bench', model, '--backend', 'gpu'], /--backend must be one of/],
      [['run', model, image, '--labels', join(dir, 'nope.json')], /--labels: no such file: /],
      [
        ['quantize', model, '-o', join(dir, 'q.pabnn'), '--calibrate', image],
        /--calibrate: .* is not a folder/,
      ],
    ] as const) {
      const r = await pabnn(...args);
      expect(r.code, r.stderr).toBe(2);
      const [first, second] = r.stderr.trim().split('\n');
      expect(first).toMatch(message);
      expect(second).toMatch(/^usage: pabnn /);
      expect(r.stdout).toBe('');
    }
  }, 60_000);

  it('a labels file that is not JSON, or not names, is bad data (exit 1)', async () => {
    for (const [text, message] of [
      ['{ not json', /labels are not JSON/],
      ['null', /labels must be a JSON array or object of class names/],
      ['[1, 2]', /label 0 is not a string \(1\)/],
    ] as const) {
      const labels = join(dir, 'labels.json');
      writeFileSync(labels, text);
      const r = await pabnn('run', model, image, '--labels', labels, '--backend', 'js');
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const names = join(dir, 'names.json');
    writeFileSync(
      names,
      JSON.stringify(Object.fromEntries([...'0123456789'].map((d) => [d, ['id', `digit ${d}`]]))),
    );
    const r = await pabnn('run', model, image, '--labels', names, '--backend', 'js', '--top', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/digit \d/);
  }, 60_000);

  it("without --backend, GPU probing prints one line at most (not Dawn's native warnings)", async () => {
    const r = await pabnn('run', model, image, '--top', '1');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length, r.stderr).toBeLessThanOrEqual(1);
    expect(r.stderr).not.toMatch(/vkCreateInstance|Warning:|\.cpp/);
  }, 60_000);

  it('a valid --top prints that many classes', async () => {
    const r = await pabnn('run', model, image, '--top', '3', '--backend', 'js');
    expect(r.code, r.stderr).toBe(0);
    // the image line, the table's header and 3 classes
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
  }, 30_000);

  it('bad data exits 1 with one line; --verbose adds the stack', async () => {
    const corrupt = join(dir, 'corrupt.pabnn');
    writeFileSync(corrupt, 'not a model at all, just some text to read');
    const r = await pabnn('info', corrupt);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^pabnn info: not a .pabnn file/);
    const verbose = await pabnn('info', corrupt, '--verbose');
    expect(verbose.code).toBe(1);
    expect(verbose.stderr.split('\n')[0]).toBe(r.stderr.trim());
    expect(verbose.stderr).toMatch(/\n\s+at .*load/);
  }, 30_000);
});
