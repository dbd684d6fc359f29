import {
  type Backend,
  type BackendBuffer,
  BackendError,
  type BackendTensor,
  type KernelNode,
  uploadTarget,
} from '@pabnn/backend';
import { storageLength, type Tensor, type TensorData } from '@pabnn/ir';
import type { KernelConfig } from './kernel.js';
import { KERNELS } from './kernels/index.js';

/** Host memory as backend storage. */
interface JsBuffer extends BackendBuffer {
  bytes: ArrayBuffer;
}

interface Prepared {
  kernel: KernelConfig;
  node: KernelNode;
  state: unknown;
}

/** A typed-array view of a tensor's storage in a JsBuffer (no copy). */
export function hostView(t: BackendTensor): Tensor {
  const { bytes } = t.buffer as JsBuffer;
  const length = storageLength(t.dtype, t.shape);
  let data: TensorData;
  switch (t.dtype) {
    case 'float32':
      data = new Float32Array(bytes, 0, length);
      break;
    case 'int32':
      data = new Int32Array(bytes, 0, length);
      break;
    case 'uint8':
      data = new Uint8Array(bytes, 0, length);
      break;
    case 'bits':
      data = new Uint32Array(bytes, 0, length);
      break;
  }
  return { dtype: t.dtype, shape: t.shape, data };
}

/** The reference backend: every IR op in plain TypeScript on host memory. */
export class JsBackend implements Backend {
  readonly name = 'js';
  readonly ops = [...KERNELS.keys()];
  private disposed = false;

  private check(): void {
    if (this.disposed) throw new BackendError('disposed', 'this js backend instance was disposed');
  }

  alloc(byteLength: number): BackendBuffer {
    this.check();
    // round up to 4 bytes so every dtype's typed array fits a shared buffer
    const buffer: JsBuffer = { byteLength, bytes: new ArrayBuffer(Math.ceil(byteLength / 4) * 4) };
    return buffer;
  }

  free(_buffer: BackendBuffer): void {
    // host memory is garbage collected once the runtime drops the buffer
  }

  upload(t: Tensor, buffer?: BackendBuffer): BackendTensor {
    this.check();
    const { target, needed } = uploadTarget<JsBuffer>(this, t, buffer);
    new Uint8Array(target.bytes).set(new Uint8Array(t.data.buffer, t.data.byteOffset, needed));
    return { dtype: t.dtype, shape: [...t.shape], buffer: target };
  }

  download(t: BackendTensor): Tensor {
    this.check();
    const view = hostView(t);
    return { dtype: view.dtype, shape: [...view.shape], data: view.data.slice() };
  }

  prepare(node: KernelNode, constants: (Tensor | undefined)[]): Prepared {
    this.check();
    const kernel = KERNELS.get(node.op);
    if (!kernel)
      throw new BackendError(
        'unsupported-op',
        `the js backend has no kernel for op '${node.op}' (node '${node.name}')`,
      );
    return { kernel, node, state: kernel.prepare?.(node, constants) };
  }

  run(prepared: unknown, inputs: (BackendTensor | undefined)[], outputs: BackendTensor[]): void {
    this.check();
    const p = prepared as Prepared;
    p.kernel.run(
      p.state,
      p.node,
      inputs.map((t) => (t ? hostView(t) : undefined)),
      outputs.map(hostView),
    );
  }

  dispose(): void {
    this.disposed = true;
  }
}
