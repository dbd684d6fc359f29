// Generates asm/generated/ from src/param-blocks.ts, then compiles asm/kernels.ts with the
// AssemblyScript compiler from npm: a SIMD build and a scalar fallback, each also as a threaded
// build over shared memory, into wasm/. The published package
// ships all four, so users need no toolchain.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'wasm'), { recursive: true });
// The kernels' parameter-block field indices, generated from the one list in
// src/param-blocks.ts (compiled to dist/ by the tsc step that runs first).
const { PARAM_BLOCKS, asmSource } = await import('../dist/param-blocks.js');
mkdirSync(join(root, 'asm', 'generated'), { recursive: true });
for (const block of PARAM_BLOCKS)
  writeFileSync(join(root, 'asm', 'generated', `${block.name}.ts`), asmSource(block));
// and the codes of the kernel paths the host chooses, from src/kernel-choice.ts
const { kernelCodesSource } = await import('../dist/kernel-choice.js');
writeFileSync(join(root, 'asm', 'generated', 'kernel-codes.ts'), kernelCodesSource());
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
// The threaded builds import one shared memory (a SharedArrayBuffer) that every worker of the
// pool instantiates the same module on; shared memory needs a maximum: 32768 pages = 2 GiB.
const shared = [
  '--importMemory',
  '--sharedMemory',
  '--maximumMemory',
  '32768',
  '--enable',
  'threads',
];
for (const [name, features] of [
  ['pa-simd', ['--enable', 'simd']],
  ['pa-scalar', ['--disable', 'simd']],
  ['pa-simd-threads', ['--enable', 'simd', ...shared]],
  ['pa-scalar-threads', ['--disable', 'simd', ...shared]],
]) {
  execFileSync(asc, [...common, ...features, '-o', `wasm/${name}.wasm`], {
    cwd: root,
    stdio: 'inherit',
  });
  process.stdout.write(`built wasm/${name}.wasm\n`);
}
