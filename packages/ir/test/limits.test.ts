import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  GraphBuilder,
  LimitError,
  load,
  nestingDepth,
  PabnnError,
  resolveLimits,
  save,
} from '../src/index.js';
import { fileFromHeaderText } from './file-helpers.js';
import { sampleGraph } from './sample-graph.js';

function expectLimit(run: () => unknown, limit: string, value: number | RegExp) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LimitError);
    const e = error as LimitError;
    expect(e.code).toBe('limit');
    expect(e.limit).toBe(limit);
    if (typeof value === 'number') expect(e.value).toBe(value);
    expect(e.message).toContain(`over the limit ${limit} = ${e.max}`);
    return;
  }
  throw new Error(`accepted, expected a LimitError on ${limit}`);
}

/** `depth` nested arrays as text: JSON.stringify itself would overflow the stack on it. */
const nestedText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('limits', () => {
  it('has documented defaults and takes overrides, refusing unknown or non-positive ones', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxImagePixels: 10 }).maxImagePixels).toBe(10);
    expect(() => resolveLimits({ maxPixels: 1 } as never)).toThrow(/unknown limit 'maxPixels'/);
    expect(() => resolveLimits({ maxFileBytes: 0 })).toThrow(PabnnError);
    expect(() => resolveLimits({ maxFileBytes: Number.NaN })).toThrow(/positive integer/);
  });

  it('refuses a file larger than maxFileBytes before reading it', () => {
    const bytes = save(sampleGraph());
    expectLimit(
      () => load(bytes, { limits: { maxFileBytes: 1000 } }),
      'maxFileBytes',
      bytes.length,
    );
    expect(() => load(bytes, { limits: { maxFileBytes: bytes.length } })).not.toThrow();
  });

  it('refuses a tensor with more elements than maxTensorElements, naming it', () => {
    const bytes = save(sampleGraph()); // its PA weight bits hold 2 x 16 x 3 x 3 x 8 = 2304 elements
    expectLimit(
      () => load(bytes, { limits: { maxTensorElements: 2000 } }),
      'maxTensorElements',
      2304,
    );
    expect(() => load(bytes, { limits: { maxTensorElements: 2000 } })).toThrow(
      /tensor 'const_\d+'/,
    );
  });

  it('refuses a graph input whose fixed dims alone exceed maxTensorElements (a feed to allocate)', () => {
    const g = new GraphBuilder('wide');
    g.output(g.relu(g.input('x', 'float32', [-1, 50_000, 50_000, 3])));
    const bytes = save(g.build());
    expectLimit(() => load(bytes), 'maxTensorElements', 50_000 * 50_000 * 3);
    expect(() => load(bytes)).toThrow(/the element count of input 'x' is 7500000000/);
    expect(load(bytes, { limits: { maxTensorElements: 2 ** 33 } }).inputs[0].shape[1]).toBe(50_000);
  });

  it('refuses metadata nested 200,000 deep at load, without a RangeError', () => {
    const header = `{"graph":{"name":"deep","inputs":[{"name":"x","dtype":"float32","shape":[1]}],"outputs":["y"],"nodes":[{"name":"r","op":"Relu","inputs":["x"],"outputs":["y"]}],"metadata":{"a":${nestedText(200_000)}}},"tensors":[]}`;
    expectLimit(() => load(fileFromHeaderText(header)), 'maxMetadataDepth', 65);
    const shallow = header.replace(nestedText(200_000), nestedText(63));
    expect(load(fileFromHeaderText(shallow)).name).toBe('deep');
  });

  it('refuses to save metadata deeper than the limit (a typed error, not a stack overflow)', () => {
    const g = new GraphBuilder('deep');
    g.output(g.relu(g.input('x', 'float32', [1])));
    const graph = g.build();
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    graph.metadata = { deep };
    expectLimit(() => save(graph), 'maxMetadataDepth', 65);
    expect(nestingDepth(graph.metadata, 1e9)).toBe(200_002);
  });
});
