import { getBackend, registerBackend } from '@pabnn/backend';
import { webgpuBackend } from './plugin.js';

// Importing the package registers the backend (once, even if imported twice).
try {
  getBackend('webgpu');
} catch {
  registerBackend(webgpuBackend);
}

export { webgpuBackend } from './plugin.js';
export { WebGpuBackend } from './webgpu-backend.js';
