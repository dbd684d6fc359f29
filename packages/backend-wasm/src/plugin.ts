import { BACKEND_API_VERSION, type BackendPlugin } from '@pabnn/backend';
import { WasmBackend, type WasmBackendOptions } from './wasm-backend.js';

/** The wasm backend plugin: preferred over js wherever WebAssembly exists. */
export const wasmBackend: BackendPlugin = {
  name: 'wasm',
  apiVersion: BACKEND_API_VERSION,
  priority: 10,
  isSupported: () => typeof WebAssembly === 'object',
  create: (options) => WasmBackend.create(options as WasmBackendOptions),
};
