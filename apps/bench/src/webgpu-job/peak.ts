// The GPU's measured binary peak: the best XOR + popcount + accumulate loop we can write in WGSL,
// registers only, so the report can say how far each PAConv2D is from what the adapter can do
// at all (the CPU side has the same in ../cpu-peak.ts). A binary MAC is one bit of one
// popcount(a ^ b) word (PA-METHOD.md: each conv is M x N XOR/popcount convs).

/** One variant's measurement: 32-bit words held as u32 or vec4<u32> registers. */
export interface PeakVariant {
  name: 'u32' | 'vec4<u32>';
  /** Invocations per dispatch, loop trips each, popcounts per trip. */
  invocations: number;
  iterations: number;
  wordsPerIteration: number;
  /** Median GPU time of one dispatch (queued `repeat` times, then the queue drained). */
  ms: number;
  binaryMacsPerSecond: number;
  /** The output of a few invocations matched the same loop computed on the host. */
  checked: boolean;
}

export interface PeakResult {
  /** The best checked variant's rate: binary MACs (bits of XOR/popcount) per second; absent if none checked. */
  binaryMacsPerSecond?: number;
  variants: PeakVariant[];
}

const WORKGROUP = 256;
/** Independent accumulator chains per invocation, in 32-bit words: enough to hide the popcount latency. */
const WORDS = 32;
/** Loop body copies per trip, so the loop's own compare and branch cost little. */
const UNROLL = 4;
const LCG_A = 1664525;
const LCG_C = 1013904223;

/**
 * Each invocation holds WORDS data words and WORDS accumulators in registers; every step XORs
 * all words with a key that changes each step (so nothing is loop-invariant and the compiler can
 * fold nothing), popcounts and adds: per word the XOR, popcount and add of a PAConv2D's inner loop.
 */
export function peakWgsl(vector: boolean): string {
  const lanes = vector ? 4 : 1;
  const regs = WORDS / lanes;
  const t = vector ? 'vec4<u32>' : 'u32';
  const init = (j: number) =>
    vector
      ? `vec4<u32>(h(base + ${4 * j}u), h(base + ${4 * j + 1}u), h(base + ${4 * j + 2}u), h(base + ${4 * j + 3}u))`
      : `h(base + ${j}u)`;
  const idx = [...Array(regs).keys()];
  const step = [
    '    {',
    `    let kv = ${vector ? 'vec4<u32>(k)' : 'k'};`,
    ...idx.map((j) => `    a${j} += countOneBits(w${j} ^ kv);`),
    `    k = k * ${LCG_A}u + ${LCG_C}u;`,
    '    }',
  ].join('\n');
  const sum = vector
    ? idx.map((j) => `a${j}.x + a${j}.y + a${j}.z + a${j}.w`).join(' + ')
    : idx.map((j) => `a${j}`).join(' + ');
  return /* wgsl */ `
struct Params { iterations: u32, seed: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

fn h(v: u32) -> u32 {
  var x = (v ^ p.seed) * 0x9e3779b1u;
  x = (x ^ (x >> 16u)) * 0x85ebca6bu;
  return x ^ (x >> 13u);
}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let base = id.x * ${WORDS}u;
${idx.map((j) => `  let w${j} = ${init(j)};\n  var a${j} = ${t}();`).join('\n')}
  var k = p.seed ^ id.x;
  for (var i = 0u; i < p.iterations; i++) {
${Array(UNROLL).fill(step).join('\n')}
  }
  out[id.x] = ${sum};
}
`;
}

function popcount(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The shader's output for invocation `id`, computed on the host (the layout is the same for both variants). */
export function peakExpected(id: number, iterations: number, seed: number): number {
  const h = (v: number) => {
    let x = Math.imul((v ^ seed) >>> 0, 0x9e3779b1) >>> 0;
    x = Math.imul((x ^ (x >>> 16)) >>> 0, 0x85ebca6b) >>> 0;
    return (x ^ (x >>> 13)) >>> 0;
  };
  const w = Array.from({ length: WORDS }, (_, j) => h((id * WORDS + j) >>> 0));
  let k = (seed ^ id) >>> 0;
  let sum = 0;
  for (let i = 0; i < iterations * UNROLL; i++) {
    for (const word of w) sum += popcount((word ^ k) >>> 0);
    k = (Math.imul(k, LCG_A) + LCG_C) >>> 0;
  }
  return sum >>> 0;
}

export interface PeakSize {
  /** Workgroups per dispatch (1-D, at most 65535) and loop trips per invocation. */
  groups: number;
  iterations: number;
  /** Dispatches queued per sample, and samples (the median is kept). */
  repeat: number;
  samples: number;
}

/** Times both variants on `device`; the best is the peak. */
export async function measurePeak(device: GPUDevice, size: PeakSize): Promise<PeakResult> {
  const variants: PeakVariant[] = [];
  for (const vector of [false, true]) variants.push(await timeVariant(device, vector, size));
  const checked = variants.filter((v) => v.checked);
  return {
    binaryMacsPerSecond: checked.length
      ? Math.max(...checked.map((v) => v.binaryMacsPerSecond))
      : undefined,
    variants,
  };
}

async function timeVariant(
  device: GPUDevice,
  vector: boolean,
  { groups, iterations, repeat, samples }: PeakSize,
): Promise<PeakVariant> {
  const seed = 0x2545f491;
  const invocations = groups * WORKGROUP;
  const pipeline = await device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code: peakWgsl(vector) }), entryPoint: 'main' },
  });
  const uniform = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(uniform, 0, Uint32Array.of(iterations, seed));
  const out = device.createBuffer({
    size: invocations * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const readback = device.createBuffer({
    size: invocations * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniform, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const queue = async (n: number) => {
    const encoder = device.createCommandEncoder();
    for (let i = 0; i < n; i++) {
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(groups);
      pass.end();
    }
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  await queue(1); // warm-up: the driver's first dispatch of a pipeline pays for more than the loop
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    await queue(repeat);
    times.push((performance.now() - t0) / repeat);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(out, 0, readback, 0, invocations * 4);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const got = new Uint32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  for (const b of [uniform, out, readback]) b.destroy();
  // a loop the compiler had cut short would be fast and wrong: a few invocations checked
  const checked = [0, 1, invocations >> 1, invocations - 1].every(
    (id) => got[id] === peakExpected(id, iterations, seed),
  );
  const bits = invocations * iterations * UNROLL * WORDS * 32;
  return {
    name: vector ? 'vec4<u32>' : 'u32',
    invocations,
    iterations: iterations * UNROLL,
    wordsPerIteration: WORDS,
    ms,
    binaryMacsPerSecond: bits / (ms / 1000),
    checked,
  };
}
