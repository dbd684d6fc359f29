// `pnpm --filter @pabnn/bench run gpu-bundle`: the GPU machine's jobs as single CommonJS files in
// the repository's .gpu/ (../shared/tools/gpu/README.md: webgpu stays external, it comes from
// the machine's NODE_PATH), one-gpu.sh, and onnxruntime-web's JSEP build in .gpu/ort/ for the
// WebGPU job (its 28 MB wasm gzipped: what travels to the machine is limited), and TF.js wasm's
// binaries in .gpu/node_modules so the accuracy job also trains with --device wasm there (the
// machine's CPU cores beside its GPU; @pabnn/train resolves them from the bundle's own URL).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '../../../.gpu');
mkdirSync(join(out, 'ort'), { recursive: true });
for (const job of ['webgpu-job', 'accuracy-job'])
  await build({
    entryPoints: [join(here, `${job}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['webgpu'],
    mainFields: ['module', 'main'],
    outfile: join(out, `${job}.cjs`),
    logLevel: 'warning',
    // a CommonJS bundle has no import.meta: give it the bundle file's own URL
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
for (const script of ['one-gpu.sh', 'train-on-device.sh'])
  copyFileSync(join(here, script), join(out, script));
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/wasm'));
for (const file of ['ort.all.min.js', 'ort-wasm-simd-threaded.jsep.mjs'])
  copyFileSync(join(ortDist, file), join(out, 'ort', file));
const wasm = 'ort-wasm-simd-threaded.jsep.wasm';
writeFileSync(
  join(out, 'ort', `${wasm}.gz`),
  gzipSync(readFileSync(join(ortDist, wasm)), { level: 9 }),
);
const tfjsWasm = dirname(
  createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
);
const tfjsWasmOut = join(out, 'node_modules/@tensorflow/tfjs-backend-wasm');
mkdirSync(join(tfjsWasmOut, 'dist'), { recursive: true });
copyFileSync(join(tfjsWasm, 'package.json'), join(tfjsWasmOut, 'package.json'));
for (const file of [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
])
  copyFileSync(join(tfjsWasm, 'dist', file), join(tfjsWasmOut, 'dist', file));
process.stdout.write(`bundled into ${out}\n`);
