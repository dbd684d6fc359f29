import { defineConfig } from 'vite';

// Cross-origin isolation, so SharedArrayBuffer exists and the wasm backend can run threads
// (packages/backend-wasm/README.md, "Threads"); the app loads nothing from other origins.
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // our packages load their .wasm with `new URL('../wasm/...', import.meta.url)`: Vite must see
  // their files as they are (pre-bundling would move them away from their wasm/ folder), and
  // @pabnn/backend (the backend registry) must stay one copy, not one per pre-bundled package
  // (packages/backend-wasm/README.md, "Vite")
  optimizeDeps: {
    exclude: ['@pabnn/backend', '@pabnn/backend-wasm', '@pabnn/backend-webgpu', '@pabnn/runtime'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  // @pabnn/backend-wasm's thread pool starts its kernel workers as ES modules, like the page
  worker: { format: 'es' },
  server: { headers: ISOLATION },
  preview: { strictPort: true, headers: ISOLATION },
});
