// The Vite config that packages/backend-wasm/README.md gives users, and nothing else
// (vite-app.test.ts checks that the README still says exactly this).
import { defineConfig } from 'vite';

// for threads only: SharedArrayBuffer needs a cross-origin isolated page
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  optimizeDeps: { exclude: ['@pabnn/backend', '@pabnn/backend-wasm'] },
  server: { headers: isolation },
  preview: { headers: isolation },
});
