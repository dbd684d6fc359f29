import { type CommandRecorder, grid } from './recorder.js';

/**
 * Sets flag[0] to 1 when any of the first `count` f32 words is NaN or +-Infinity. It tests the
 * bits (exponent all ones), not the value: WGSL lets implementations assume floats are finite
 * (WGSL spec, "Floating Point Evaluation"), so `x != x` may be folded away.
 */
export const FINITE_CHECK_WGSL = /* wgsl */ `
struct Params { threadsX: u32, count: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> flag: array<atomic<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.y * p.threadsX + id.x;
  if (i >= p.count) { return; }
  if ((x[i] & 0x7f800000u) == 0x7f800000u) { atomicOr(&flag[0], 1u); }
}
`;

/**
 * The webgpu backend's checkFinite: a dispatch over the tensor and a copy of the flag to a
 * mappable buffer, both recorded into the run's encoder; the returned function maps the flag
 * once the run was submitted (by then the downloads have flushed the encoder).
 */
export function recordFiniteCheck(
  device: GPUDevice,
  recorder: CommandRecorder,
  pipeline: GPUComputePipeline,
  input: GPUBuffer,
  count: number,
): () => Promise<boolean> {
  const flag = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  const readback = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const { x, y, threadsX } = grid(count);
  const uniform = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  // a fresh uniform and flag per check: nothing recorded earlier can see them change
  device.queue.writeBuffer(uniform, 0, Uint32Array.of(threadsX, count));
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniform, input, flag].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  recorder.dispatch(pipeline, group, x, y);
  recorder.copyTo(flag, readback, 16);
  return async () => {
    recorder.flush();
    try {
      await readback.mapAsync(GPUMapMode.READ);
      return new Uint32Array(readback.getMappedRange())[0] !== 0;
    } finally {
      for (const b of [readback, flag, uniform]) b.destroy();
    }
  };
}
