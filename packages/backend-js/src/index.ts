import { getBackend, registerBackend } from '@pabnn/backend';
import { jsBackend } from './plugin.js';

// Importing the package registers the backend (once, even if imported twice).
try {
  getBackend('js');
} catch {
  registerBackend(jsBackend);
}

export { hostView, JsBackend } from './js-backend.js';
export { defineKernel, type KernelConfig } from './kernel.js';
export { jsBackend } from './plugin.js';
