// Every case of the ONNX project's backend tests (the CNN subset kept beside the repository,
// in shared/onnx-backend-tests) on the js and wasm backends, and on webgpu where a WebGPU
// adapter exists (Dawn in Node; ops webgpu lacks fall back to js): each one passes with the
// ONNX harness's tolerance, or is refused with a ConvertError naming the op and attribute, as
// listed (with the reason) in onnx-backend-refusals.json. A wrong number, any other error,
// a refusal not listed, or a listed case that now imports, fails.
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webgpuBackend } from '@pabnn/backend-webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import { ConvertError } from '../src/index.js';
import { type LoadedCase, listCases, loadCase, runCase } from './onnx-backend-cases.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const root = resolve(repoRoot, '../shared/onnx-backend-tests');
const refusals: Record<string, { names: string[]; reason: string }> = JSON.parse(
  readFileSync(new URL('./onnx-backend-refusals.json', import.meta.url), 'utf8'),
);
const cases = existsSync(root) ? listCases(root) : [];
const loaded = new Map<string, LoadedCase>();
const load = (name: string) => {
  let c = loaded.get(name);
  if (!c) loaded.set(name, (c = loadCase(resolve(root, name))));
  return c;
};

it('finds the shared ONNX backend test cases, and lists refusals only for cases there', () => {
  expect(existsSync(root), `${root} is missing`).toBe(true);
  const driver = process.env.VK_ICD_FILENAMES ?? '';
  expect(gpu || !existsSync(driver), `no WebGPU adapter, though ${driver} is installed`).toBe(true);
  expect(cases.length).toBeGreaterThan(150);
  expect(Object.keys(refusals).filter((name) => !cases.includes(name))).toEqual([]);
  for (const [name, { names, reason }] of Object.entries(refusals)) {
    expect(names.length, `${name} names what its message must name`).toBeGreaterThan(0);
    expect(reason.length, `${name} gives a reason`).toBeGreaterThan(10);
  }
});

// webgpu runs where Dawn finds an adapter (SwiftShader on CI); elsewhere its cases are skipped
const gpu = await webgpuBackend.isSupported();
const backends = gpu ? ['js', 'wasm', 'webgpu'] : ['js', 'wasm'];

describe.each(backends)('ONNX backend cases on %s', (backend) => {
  const counts = { passed: 0, refused: 0, onBackend: 0 };
  afterAll(() => {
    console.log(
      `ONNX backend cases on ${backend}: ${counts.passed} passed (${counts.onBackend} with nodes on ${backend}), ${counts.refused} refused, of ${cases.length}`,
    );
  });
  it.each(cases)('%s', async (name) => {
    const listed = refusals[name];
    let result: Awaited<ReturnType<typeof runCase>> | undefined;
    try {
      result = await runCase(load(name), backend);
    } catch (error) {
      if (!(error instanceof ConvertError)) throw error;
      expect(listed, `refused, but not listed: ${error.message}`).toBeDefined();
      for (const word of listed.names) expect(error.message).toContain(word);
      counts.refused++;
      return;
    }
    expect(listed, 'listed as refused, but it imports: take it off the list').toBeUndefined();
    expect(result.worst, result.detail).toBeLessThanOrEqual(1);
    counts.passed++;
    if (result.onBackend > 0) counts.onBackend++;
  });
});
