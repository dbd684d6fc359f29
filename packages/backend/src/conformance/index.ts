import { getOpSchema, listOps, resolveAttrs } from '@pabnn/ir';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend } from '../registry.js';
import type { Backend, BackendOptions, BackendPlugin, KernelNode } from '../types.js';
import { floatCases, PA_CASES, type PACaseSpec, paCase } from './cases.js';
import { describeMismatch, relativeMaxError } from './compare.js';
import { executeCase, type OpCase } from './execute.js';
import { paConv2dReference } from './pa-reference.js';

export { PA_CASES, type PACaseSpec, paCase } from './cases.js';
export { relativeMaxError } from './compare.js';
export type { OpCase } from './execute.js';
export { executeCase } from './execute.js';
export { paConv2dReference } from './pa-reference.js';

export interface ConformanceOptions {
  /** Options for `plugin.create` (e.g. { threads: 2 }). */
  backendOptions?: BackendOptions;
  /** Name in the test titles, e.g. 'wasm, 2 threads'. */
  label?: string;
  /** Registered backend that the float ops are compared against. Default 'js'. */
  reference?: string;
  /** Allowed |actual - expected| / max |expected|. Default 1e-4. */
  tolerance?: number;
  /** More cases, e.g. for ops of your own. */
  extraCases?: OpCase[];
  /** More PAConv2D cases (after PA_CASES), checked against the float64 oracle like them. */
  paCases?: PACaseSpec[];
  /** Only the PAConv2D cases (a kernel variant of a backend whose other ops ran already). */
  paConvOnly?: boolean;
}

/** The node a case runs, as a backend's supportsNode sees it. */
function kernelNode(c: OpCase): KernelNode {
  const schema = getOpSchema(c.op)!;
  const attrs = resolveAttrs(schema, c.attrs);
  const infos = c.inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined));
  return {
    name: c.title,
    op: c.op,
    attrs,
    inputs: infos,
    outputs: schema.inferShapes(infos, attrs),
  };
}

/**
 * The conformance suite: call it at the top level of a vitest file of your backend, with
 * `await` (it creates the backend first to read which ops it declares):
 *
 *   import { runConformance } from '@pabnn/backend/conformance';
 *   import '@pabnn/backend-js'; // the reference
 *   await runConformance(myPlugin);
 *
 * Every PAConv2D case is checked against the float64 oracle conv2d(zeroPad(Q_a(x)), Q_w);
 * every other declared op against the reference backend (backend-js by default, whose own
 * float ops are checked against TF.js in its tests). An op declared without cases fails.
 */
export async function runConformance(
  plugin: BackendPlugin,
  options: ConformanceOptions = {},
): Promise<void> {
  const tolerance = options.tolerance ?? 1e-4;
  const label = options.label ?? plugin.name;
  const referenceName = options.reference ?? 'js';
  const backend: Backend = await plugin.create(options.backendOptions);
  const reference: Backend | undefined =
    plugin.name === referenceName ? undefined : await getBackend(referenceName).create();
  const cases = [...floatCases(1234), ...(options.extraCases ?? [])];

  describe(`conformance: ${label}`, () => {
    afterAll(() => {
      backend.dispose();
      reference?.dispose();
    });

    it('declares only IR ops, and every declared op has conformance cases', () => {
      const known = new Set(listOps());
      const covered = new Set(['PAConv2D', ...cases.map((c) => c.op)]);
      expect(backend.ops.filter((op) => !known.has(op))).toEqual([]);
      expect(backend.ops.filter((op) => !covered.has(op))).toEqual([]);
      expect(backend.ops.length).toBeGreaterThan(0);
    });

    it('uploads and downloads every dtype bit-exactly', async () => {
      const samples = [
        {
          dtype: 'float32' as const,
          shape: [2, 3],
          data: Float32Array.of(1.5, -0, Number.NaN, 3e38, -1e-40, 7),
        },
        { dtype: 'int32' as const, shape: [3], data: Int32Array.of(-(2 ** 31), 0, 2 ** 31 - 1) },
        { dtype: 'uint8' as const, shape: [5], data: Uint8Array.of(0, 1, 127, 128, 255) },
        {
          dtype: 'bits' as const,
          shape: [2, 33],
          data: Uint32Array.of(0xffffffff, 1, 0x80000000, 0),
        },
      ];
      for (const t of samples) {
        const back = await backend.download(backend.upload(t));
        expect(back.dtype).toBe(t.dtype);
        expect(back.shape).toEqual(t.shape);
        expect(
          new Uint8Array(back.data.buffer, back.data.byteOffset, back.data.byteLength),
        ).toEqual(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      }
    });

    if (backend.ops.includes('PAConv2D')) {
      [...PA_CASES, ...(options.paCases ?? [])].forEach((spec, i) => {
        const c = paCase(spec, 100 + i);
        const node = kernelNode(c);
        const attrs = node.attrs;
        if (backend.supportsNode && !backend.supportsNode(node, c.constant)) {
          // a declined node runs on js in a Session: nothing of this backend's to check
          it(`PAConv2D ${spec.title} is declined by supportsNode (runs on js)`, () => {
            expect(backend.supportsNode!(node, c.constant)).toBe(false);
          });
          return;
        }
        it(`PAConv2D ${spec.title} matches the float64 reference`, async () => {
          const [out] = await executeCase(backend, c);
          const expected = paConv2dReference(c.inputs, attrs, out.shape);
          const error = relativeMaxError(out.data, expected);
          expect(error, describeMismatch(out, expected)).toBeLessThanOrEqual(tolerance);
        });
      });
    }

    if (reference && !options.paConvOnly) {
      for (const c of cases.filter((k) => backend.ops.includes(k.op) && k.op !== 'PAConv2D')) {
        const node = kernelNode(c);
        if (backend.supportsNode && !backend.supportsNode(node, c.constant)) {
          // a declined node runs on js in a Session (e.g. a dilated pool on wasm)
          it(`${c.op} ${c.title} is declined by supportsNode (runs on js)`, () => {
            expect(backend.supportsNode!(node, c.constant)).toBe(false);
          });
          continue;
        }
        it(`${c.op} ${c.title} matches ${referenceName}`, async () => {
          const [out] = await executeCase(backend, c);
          const [expected] = await executeCase(reference, c);
          expect(out.shape).toEqual(expected.shape);
          expect(
            relativeMaxError(out.data, expected.data),
            describeMismatch(out, expected.data),
          ).toBeLessThanOrEqual(tolerance);
        });
      }
    }
  });
}
