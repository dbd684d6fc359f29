import { getBackend, registerBackend } from '@pabnn/backend';
import { wasmBackend } from './plugin.js';

// Importing the package registers the backend (once, even if imported twice).
try {
  getBackend('wasm');
} catch {
  registerBackend(wasmBackend);
}

export { type PAConvPath, paConvPathFor } from './kernel-choice.js';
export { wasmBackend } from './plugin.js';
export { WasmBackend, type WasmBackendOptions } from './wasm-backend.js';
export { simdSupported } from './wasm-module.js';
export { WASM_FILES, type WasmFile, type WasmPaths } from './wasm-paths.js';
