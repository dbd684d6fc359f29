import { BACKEND_API_VERSION, type BackendPlugin } from '@pabnn/backend';
import { requestAdapter } from './gpu.js';
import type { WebGpuOptions } from './gpu-kernel.js';
import { WebGpuBackend } from './webgpu-backend.js';

/** The webgpu backend plugin: highest priority where a WebGPU adapter exists. */
export const webgpuBackend: BackendPlugin = {
  name: 'webgpu',
  apiVersion: BACKEND_API_VERSION,
  priority: 20,
  isSupported: async () => (await requestAdapter().catch(() => null)) !== null,
  create: (options) => WebGpuBackend.create(options as WebGpuOptions | undefined),
};
