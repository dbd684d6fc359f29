// The one Vite setting that packages/backend-wasm/README.md tells users to add, and nothing
// else (vite-app.test.ts checks that the README still says exactly this).
import { defineConfig } from 'vite';

export default defineConfig({
  optimizeDeps: { exclude: ['@pabnn/backend', '@pabnn/backend-wasm'] },
});
