import { getBackend, registerBackend } from '@pabnn/backend';
import { webgpuBackend } from './plugin.js';

// Importing the package registers the backend (once, even if imported twice).
try {
  getBackend('webgpu');
} catch {
  registerBackend(webgpuBackend);
}

export {
  choosePAConvKernel,
  PA_CONV_KERNELS,
  type PAConvKernel,
  type PAConvKernelChoice,
  type PAConvWindow,
} from './pa-conv2d-variant.js';
export { webgpuBackend } from './plugin.js';
export { WebGpuBackend } from './webgpu-backend.js';
