// Compiles asm/pa-conv.ts twice with the AssemblyScript compiler from npm: a SIMD build and a
// scalar fallback, into wasm/. The published package ships both, so users need no toolchain.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'wasm'), { recursive: true });
const asc = join(root, 'node_modules', '.bin', 'asc');
const common = [
  'asm/kernels.ts',
  '-O3',
  '--noAssert',
  '--runtime',
  'stub',
  '--initialMemory',
  '16',
];
for (const [name, features] of [
  ['pa-simd', ['--enable', 'simd']],
  ['pa-scalar', ['--disable', 'simd']],
]) {
  execFileSync(asc, [...common, ...features, '-o', `wasm/${name}.wasm`], {
    cwd: root,
    stdio: 'inherit',
  });
  process.stdout.write(`built wasm/${name}.wasm\n`);
}
