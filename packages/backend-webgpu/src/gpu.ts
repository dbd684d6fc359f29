import { BackendError } from '@pabnn/backend';

// In Node, WebGPU comes from the npm package `webgpu` (Dawn). Its GPU object must stay
// referenced while devices live (Node aborts if it is collected), and be dropped at the end so
// Node can exit: the backends count their users.
let nodeGpu: GPU | undefined;
let users = 0;
/** Why Dawn could not be loaded in Node (the optional peer `webgpu` missing, say), for errors. */
let nodeGpuProblem: string | undefined;

async function nodeWebGpu(): Promise<GPU | undefined> {
  if (nodeGpu) return nodeGpu;
  try {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const dawn = require('webgpu') as {
      create(flags: string[]): GPU;
      globals: Record<string, unknown>;
    };
    for (const [key, value] of Object.entries(dawn.globals))
      if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
    nodeGpu = dawn.create([]);
    return nodeGpu;
  } catch (error) {
    const missing = (error as { code?: string }).code === 'MODULE_NOT_FOUND';
    nodeGpuProblem = missing
      ? "the optional peer dependency 'webgpu' (Dawn) is not installed: npm install webgpu"
      : `the 'webgpu' package (Dawn) failed to load: ${(error as Error).message}`;
    return undefined;
  }
}

/** navigator.gpu in browsers, Dawn in Node; undefined where neither exists. */
export async function getGpu(): Promise<GPU | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process !== 'undefined' && process.versions?.node) return nodeWebGpu();
  return undefined;
}

export async function requestAdapter(): Promise<GPUAdapter | null> {
  const gpu = await getGpu();
  return gpu ? gpu.requestAdapter() : null;
}

export async function acquireDevice(
  features: GPUFeatureName[] = [],
): Promise<{ adapter: GPUAdapter; device: GPUDevice }> {
  const adapter = await requestAdapter();
  if (!adapter)
    throw new BackendError(
      'no-adapter',
      `no WebGPU adapter: this browser or machine has no WebGPU (in Node, ${nodeGpuProblem ?? 'a Vulkan driver is needed'})`,
    );
  const device = await adapter.requestDevice({
    // the optional features asked for that the adapter has
    requiredFeatures: features.filter((f) => adapter.features.has(f)),
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  users++;
  return { adapter, device };
}

export function releaseDevice(device: GPUDevice): void {
  device.destroy();
  if (--users === 0) nodeGpu = undefined;
}
