import { describe, expect, it } from 'vitest';
import {
  FORMAT_VERSION,
  type Graph,
  GraphValidationError,
  load,
  ModelFormatError,
  save,
  tensor,
} from '../src/index.js';
import { fixChecksum, headerOf, view, withHeader, withHeaderText } from './file-helpers.js';
import { sampleGraph } from './sample-graph.js';

type Header = {
  graph: {
    nodes: { attrs: Record<string, unknown>; op: string; name: string }[];
    inputs: { shape: unknown }[];
  };
  tensors: { name: string; dtype: string; shape: number[]; offset: number; byteLength: number }[];
};

function expectFormatError(bytes: Uint8Array, code: string, message: RegExp) {
  try {
    load(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error(`file was accepted, expected error '${code}'`);
}

function mutateHeader(edit: (h: Header) => void): Uint8Array {
  const bytes = save(sampleGraph());
  const header = headerOf(bytes) as Header;
  edit(header);
  return withHeader(bytes, header);
}

describe('.pabnn round trip', () => {
  it('loads from a Node Buffer inside a larger allocation (readFileSync), not just from a Uint8Array', () => {
    const bytes = save(sampleGraph());
    // a Buffer whose bytes start at an offset of a larger ArrayBuffer; Buffer#slice is a view
    const pool = Buffer.alloc(bytes.length + 40);
    pool.set(bytes, 24);
    const buffer = pool.subarray(24, 24 + bytes.length);
    const loaded = load(buffer);
    expect(save(loaded)).toEqual(bytes);
  });
  it('is bit-exact for graph, attributes, metadata and every dtype', () => {
    const graph = sampleGraph();
    // a NaN with a payload and -0 must survive byte for byte
    const weird = new Float32Array([Number.NaN, -0, Infinity, 1e-45]);
    new Uint32Array(weird.buffer)[0] = 0x7fc00123;
    graph.constants.set('weird', tensor('float32', [4], weird));
    const bytes = save(graph);
    const loaded = load(bytes);
    expect(save(loaded)).toEqual(bytes);
    expect(loaded.name).toBe('sample');
    expect(loaded.metadata).toEqual({ producer: 'ir tests', labels: ['a', 'b', 'c'] });
    expect(loaded.nodes).toEqual(graph.nodes);
    expect(loaded.inputs).toEqual(graph.inputs);
    expect(loaded.outputs).toEqual(graph.outputs);
    for (const [name, t] of graph.constants) {
      const back = loaded.constants.get(name)!;
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(back.data.constructor).toBe(t.data.constructor);
      expect(new Uint8Array(back.data.buffer, back.data.byteOffset, back.data.byteLength)).toEqual(
        new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      );
    }
  });

  it('aligns every payload to 64 bytes and is deterministic', () => {
    const bytes = save(sampleGraph());
    expect(save(sampleGraph())).toEqual(bytes);
    const header = headerOf(bytes) as Header;
    expect(header.tensors.length).toBeGreaterThan(10);
    for (const t of header.tensors) expect(t.offset % 64).toBe(0);
    expect(Number(view(bytes).getBigUint64(24, true))).toBe(bytes.length);
  });

  it('loads from an ArrayBuffer and from an unaligned view', () => {
    const bytes = save(sampleGraph());
    expect(load(bytes.slice().buffer).nodes.length).toBe(sampleGraph().nodes.length);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(load(shifted.subarray(1)).constants.size).toBe(sampleGraph().constants.size);
  });

  it('loads bit tensors with more elements than the file has bytes', () => {
    const graph = sampleGraph();
    graph.constants.set(
      'many_bits',
      tensor('bits', [64, 1024], new Uint32Array(64 * 32).fill(0xa5a5a5a5)),
    );
    const bytes = save(graph);
    expect(64 * 1024).toBeGreaterThan(bytes.length);
    expect(load(bytes).constants.get('many_bits')?.data).toEqual(
      graph.constants.get('many_bits')?.data,
    );
  });

  it('refuses to save an invalid graph', () => {
    const graph: Graph = sampleGraph();
    graph.nodes[0].op = 'Nope';
    expect(() => save(graph)).toThrow(GraphValidationError);
  });
});

describe('.pabnn rejects bad files with a specific error', () => {
  const good = () => save(sampleGraph());

  it('truncated files', () => {
    expectFormatError(new Uint8Array(10), 'truncated', /file is truncated: 10 bytes/);
    expectFormatError(good().subarray(0, 500), 'truncated', /preamble says \d+ bytes, only 500/);
  });

  it('wrong magic', () => {
    const bytes = good();
    bytes[1] = 0x51;
    expectFormatError(bytes, 'magic', /not a .pabnn file/);
    expectFormatError(
      new TextEncoder().encode('{"graph": "this is json, not pabnn"}'),
      'magic',
      /magic/,
    );
  });

  it('future and invalid versions', () => {
    const bytes = good();
    view(bytes).setUint32(8, FORMAT_VERSION + 1, true);
    expectFormatError(
      fixChecksum(bytes),
      'version',
      /format version 2 is newer than this reader supports \(1\)/,
    );
    view(bytes).setUint32(8, 0, true);
    expectFormatError(fixChecksum(bytes), 'version', /version 0/);
  });

  it('bad checksums, extra bytes, bad flags', () => {
    const bytes = good();
    bytes[bytes.length - 100] ^= 0xff;
    expectFormatError(bytes, 'checksum', /checksum mismatch .* corrupt/);
    const longer = new Uint8Array(good().length + 8);
    longer.set(good());
    expectFormatError(longer, 'length', /8 unexpected bytes after its end/);
    const flagged = good();
    view(flagged).setUint32(12, 4, true);
    expectFormatError(fixChecksum(flagged), 'flags', /unknown flags 0x4/);
  });

  it('header length past the end, not UTF-8, not JSON', () => {
    const bytes = good();
    view(bytes).setUint32(16, bytes.length, true);
    expectFormatError(fixChecksum(bytes), 'header-length', /runs past the end/);
    const notUtf8 = good();
    notUtf8[40] = 0xff;
    expectFormatError(fixChecksum(notUtf8), 'header-encoding', /not valid UTF-8/);
    expectFormatError(withHeaderText(good(), '{"graph": [1, 2'), 'header-json', /not valid JSON/);
  });

  it('JSON that is not the schema names the field', () => {
    expectFormatError(
      mutateHeader((h) => {
        (h.graph as unknown as { nodes: unknown }).nodes = 'x';
      }),
      'header-schema',
      /graph.nodes must be an array/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.graph.nodes[2].attrs.strides = [1, 'two'];
      }),
      'header-schema',
      /graph.nodes\[2\].attrs.strides\[1\] must be a finite number/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[0].dtype = 'float64';
      }),
      'header-schema',
      /tensors\[0\].dtype must be a dtype/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[0].shape = [2, -3];
      }),
      'header-schema',
      /tensors\[0\].shape\[1\] must be a non-negative integer/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[0].shape = new Array(9).fill(1);
      }),
      'header-schema',
      /rank 9/,
    );
  });

  it('offsets and lengths outside the file, misaligned or overlapping', () => {
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[1].offset += 1 << 20;
      }),
      'tensor-bounds',
      /outside the payload area/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[1].offset = 0;
      }),
      'tensor-bounds',
      /outside the payload area/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[1].offset += 4;
      }),
      'tensor-alignment',
      /not a multiple of 64/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[1].offset = h.tensors[0].offset;
      }),
      'tensor-overlap',
      /overlap/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[1].name = h.tensors[0].name;
      }),
      'tensor-duplicate',
      /appears twice/,
    );
  });

  it('shapes that do not match the payload, and absurd sizes, before allocating', () => {
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[0].shape = [h.tensors[0].shape[0] + 1, ...h.tensors[0].shape.slice(1)];
      }),
      'tensor-size',
      /needs \d+ bytes, the table says \d+/,
    );
    expectFormatError(
      mutateHeader((h) => {
        (h.graph as unknown as { metadata: unknown }).metadata = {}; // make room in the header
        h.tensors[0].shape = [2 ** 40, 2 ** 40];
      }),
      'tensor-size',
      /larger than the whole file/,
    );
    expectFormatError(
      mutateHeader((h) => {
        h.tensors[0].byteLength = 2 ** 52;
      }),
      'tensor-bounds',
      /outside/,
    );
  });

  it('graphs that do not validate name the node', () => {
    const bytes = mutateHeader((h) => {
      h.graph.nodes[1].op = 'Softsign';
    });
    expect(() => load(bytes)).toThrow(/node '.*': unknown op 'Softsign'/);
    const proto = mutateHeader((h) => {
      h.graph.nodes[0].attrs = JSON.parse('{"__proto__": 1}');
    });
    expect(() => load(proto)).toThrow(/no attribute '__proto__'/);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
