import {
  type Backend,
  type BackendBuffer,
  BackendError,
  type BackendTensor,
  type KernelNode,
  PA_ACTIVATION_CODES,
  paConvGeometry,
  uploadTarget,
} from '@pabnn/backend';
import { dataFromBytes, storageByteLength, type Tensor } from '@pabnn/ir';
import { decompose, tapSums } from '@pabnn/quantizer';
import { acquireDevice, releaseDevice } from './gpu.js';
import { BINARIZE_WGSL, CONV_WGSL } from './pa-conv2d-wgsl.js';

interface GpuBuffer extends BackendBuffer {
  buffer: GPUBuffer;
}

interface PreparedPAConv {
  node: KernelNode;
  m: number;
  n: number;
  w32: number;
  cout: number;
  kh: number;
  kw: number;
  wbits: GPUBuffer;
  consts: GPUBuffer;
  offsets: {
    a: number;
    cw: number;
    tapSum: number;
    b: number;
    ca: number;
    thr: number;
    lvl: number;
  };
  params: GPUBuffer;
  binarizeParams: GPUBuffer;
  scratch?: { pixels: number; planes: GPUBuffer; qsum: GPUBuffer };
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const WORKGROUP = 64;
const MAX_GROUPS = 65535;

/** PAConv2D runs here when its weights and staircase are constants and the staircase is per layer (N <= 16). */
function supportsPAConv(node: KernelNode, constant: boolean[]): boolean {
  return (
    node.op === 'PAConv2D' &&
    [1, 2, 3, 4, 5].every((i) => constant[i]) &&
    node.inputs[4]?.shape.length === 1 &&
    (node.attrs.activationBases as number) <= 16
  );
}

/**
 * PAConv2D in WGSL on GPU buffers; tensors stay on the device between ops and `download` maps
 * them back. Pipelines are compiled once per backend; each run is one command encoder with
 * two compute passes (binarize, popcount conv). A lost device fails the pending and later
 * calls with a 'device-lost' error; create a new backend to continue.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  readonly ops = ['PAConv2D'];
  private lost: string | undefined;
  private disposed = false;
  private readonly empty: GPUBuffer;

  private constructor(
    readonly device: GPUDevice,
    /** The adapter's description, e.g. 'SwiftShader driver' or an NVIDIA GPU. */
    readonly adapterName: string,
    private readonly binarize: GPUComputePipeline,
    private readonly conv: GPUComputePipeline,
  ) {
    this.empty = device.createBuffer({ size: 16, usage: STORAGE() });
    device.lost.then((info) => {
      if (!this.disposed) this.lost = info.message || info.reason;
    });
  }

  static async create(): Promise<WebGpuBackend> {
    const { adapter, device } = await acquireDevice();
    const pipeline = (code: string) =>
      device.createComputePipeline({
        layout: 'auto',
        compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
      });
    const info = adapter.info;
    const name =
      [info?.vendor, info?.architecture, info?.device, info?.description]
        .filter(Boolean)
        .join(' ') || 'unknown adapter';
    return new WebGpuBackend(device, name, pipeline(BINARIZE_WGSL), pipeline(CONV_WGSL));
  }

  private check(): void {
    if (this.disposed)
      throw new BackendError('disposed', 'this webgpu backend instance was disposed');
    if (this.lost !== undefined)
      throw new BackendError(
        'device-lost',
        `the WebGPU device was lost (${this.lost}); create a new backend`,
      );
  }

  supportsNode(node: KernelNode, constant: boolean[]): boolean {
    return supportsPAConv(node, constant);
  }

  alloc(byteLength: number): BackendBuffer {
    this.check();
    const buffer: GpuBuffer = {
      byteLength,
      buffer: this.device.createBuffer({
        size: Math.max(16, Math.ceil(byteLength / 4) * 4),
        usage: STORAGE(),
      }),
    };
    return buffer;
  }

  free(buffer: BackendBuffer): void {
    (buffer as GpuBuffer).buffer.destroy();
  }

  private write(target: GPUBuffer, data: ArrayBufferView): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const padded =
      bytes.byteLength % 4 === 0
        ? bytes
        : Uint8Array.from({ length: Math.ceil(bytes.byteLength / 4) * 4 }, (_, i) => bytes[i] ?? 0);
    this.device.queue.writeBuffer(target, 0, padded as Uint8Array<ArrayBuffer>);
  }

  upload(t: Tensor, buffer?: BackendBuffer): BackendTensor {
    this.check();
    const { target, needed } = uploadTarget<GpuBuffer>(this, t, buffer);
    this.write(target.buffer, new Uint8Array(t.data.buffer, t.data.byteOffset, needed));
    return { dtype: t.dtype, shape: [...t.shape], buffer: target };
  }

  async download(t: BackendTensor): Promise<Tensor> {
    this.check();
    const bytes = storageByteLength(t.dtype, t.shape);
    const size = Math.max(16, Math.ceil(bytes / 4) * 4);
    const staging = this.device.createBuffer({
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer((t.buffer as GpuBuffer).buffer, 0, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (error) {
      this.check();
      throw new BackendError(
        'download',
        `reading a tensor back from the GPU failed: ${(error as Error).message}`,
      );
    }
    const data = dataFromBytes(t.dtype, new Uint8Array(staging.getMappedRange(0, size), 0, bytes));
    staging.unmap();
    staging.destroy();
    return { dtype: t.dtype, shape: [...t.shape], data };
  }

  private storage(data: ArrayBufferView): GPUBuffer {
    const buffer = this.device.createBuffer({
      size: Math.max(16, Math.ceil(data.byteLength / 4) * 4),
      usage: STORAGE(),
    });
    this.write(buffer, data);
    return buffer;
  }

  prepare(node: KernelNode, constants: (Tensor | undefined)[]): PreparedPAConv {
    this.check();
    if (!supportsPAConv(node, constants.map(Boolean))) {
      throw new BackendError(
        'unsupported-node',
        `the webgpu backend cannot run node '${node.name}' (${node.op}): it needs PAConv2D with constant weights and per-layer activation levels`,
      );
    }
    const [, bits, scales, offset, thresholds, levels] = constants as Tensor[];
    const [m, cout, kh, kw, cinG] = bits.shape;
    const n = thresholds.shape[0];
    const taps = kh * kw;
    const w32 = Math.ceil(cinG / 32);
    const src = bits.data as Uint32Array;
    // [tap][w32][m][o]: consecutive threads (output channels) read consecutive weight words
    const relaid = new Uint32Array(cout * m * taps * w32);
    for (let j = 0; j < m; j++)
      for (let o = 0; o < cout; o++)
        for (let t = 0; t < taps; t++)
          for (let w = 0; w < w32; w++)
            relaid[((t * w32 + w) * m + j) * cout + o] = src[((j * cout + o) * taps + t) * w32 + w];
    const stairs = decompose({
      thresholds: Float64Array.from(thresholds.data),
      levels: Float64Array.from(levels.data),
    });
    const parts: ArrayLike<number>[] = [
      scales.data,
      offset.data,
      tapSums(bits, scales, offset),
      stairs.coefficients,
      [stairs.constant],
      thresholds.data,
      levels.data,
    ];
    const starts: number[] = [];
    let at = 0;
    for (const part of parts) {
      starts.push(at);
      at += part.length;
    }
    const consts = new Float32Array(at);
    parts.forEach((part, i) => consts.set(Array.from(part), starts[i]));
    const [a, cw, tapSum, b, ca, thr, lvl] = starts;
    return {
      node,
      m,
      n,
      w32,
      cout,
      kh,
      kw,
      wbits: this.storage(relaid),
      consts: this.storage(consts),
      offsets: { a, cw, tapSum, b, ca, thr, lvl },
      params: this.device.createBuffer({
        size: 32 * 4,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      }),
      binarizeParams: this.device.createBuffer({
        size: 32 * 4,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      }),
    };
  }

  run(prepared: unknown, inputs: (BackendTensor | undefined)[], outputs: BackendTensor[]): void {
    this.check();
    const p = prepared as PreparedPAConv;
    const x = inputs[0]!;
    const [batch, inH, inW] = x.shape;
    const attrs = p.node.attrs;
    const groups = attrs.groups as number;
    const pixels = batch * inH * inW;
    if (p.scratch?.pixels !== pixels) {
      p.scratch?.planes.destroy();
      p.scratch?.qsum.destroy();
      p.scratch = {
        pixels,
        planes: this.device.createBuffer({
          size: Math.max(16, pixels * groups * p.n * p.w32 * 4),
          usage: STORAGE(),
        }),
        qsum: this.device.createBuffer({
          size: Math.max(16, pixels * groups * 4),
          usage: STORAGE(),
        }),
      };
    }
    const geometry = paConvGeometry(attrs, x.shape, p.cout, p.kh, p.kw);
    const [outH, outW] = geometry.slice(14);
    const y = outputs[0];
    const dispatch = (threads: number): [number, number, number] => {
      const groupsNeeded = Math.ceil(threads / WORKGROUP);
      const gx = Math.min(groupsNeeded, MAX_GROUPS);
      return [gx, Math.ceil(groupsNeeded / gx), gx * WORKGROUP];
    };
    const o = p.offsets;
    const params = (threadsX: number) =>
      new Uint32Array([
        ...geometry,
        p.m,
        p.n,
        p.w32,
        PA_ACTIVATION_CODES[attrs.activation as string],
        o.a,
        o.cw,
        o.tapSum,
        o.b,
        o.ca,
        o.thr,
        o.lvl,
        inputs[6] ? 1 : 0,
        inputs[7] ? 1 : 0,
        threadsX,
        0,
        0,
      ]);
    const bind = (pipeline: GPUComputePipeline, buffers: GPUBuffer[], paramBuffer: GPUBuffer) =>
      this.device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [paramBuffer, p.consts, ...buffers].map((buffer, binding) => ({
          binding,
          resource: { buffer },
        })),
      });
    const [bx, by, bThreads] = dispatch(pixels * groups);
    const [cx, cy, cThreads] = dispatch(batch * outH * outW * p.cout);
    // two parameter blocks: the passes dispatch different thread counts
    const binarizeParams = p.binarizeParams;
    this.device.queue.writeBuffer(binarizeParams, 0, params(bThreads));
    this.device.queue.writeBuffer(p.params, 0, params(cThreads));
    const buf = (t: BackendTensor | undefined) => (t ? (t.buffer as GpuBuffer).buffer : this.empty);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.binarize);
    pass.setBindGroup(
      0,
      bind(this.binarize, [buf(x), p.scratch.planes, p.scratch.qsum], binarizeParams),
    );
    pass.dispatchWorkgroups(bx, by);
    pass.setPipeline(this.conv);
    pass.setBindGroup(
      0,
      bind(
        this.conv,
        [p.scratch.planes, p.scratch.qsum, p.wbits, buf(inputs[6]), buf(inputs[7]), buf(y)],
        p.params,
      ),
    );
    pass.dispatchWorkgroups(cx, cy);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    releaseDevice(this.device);
  }
}
