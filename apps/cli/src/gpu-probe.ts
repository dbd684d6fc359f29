import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { listBackends } from '@pabnn/backend';

// Dawn, WebGPU's engine in Node, prints multi-line native warnings (with its build paths) to
// the process's stderr when it finds no GPU driver, and JavaScript cannot silence a native
// write. So the first look for an adapter happens in a child process whose stderr is dropped.
const PROBE = `
const dawn = require(process.argv[1]);
dawn.create([]).requestAdapter().then(
  (adapter) => { process.stdout.write(adapter ? 'yes' : 'no'); process.exit(0); },
  () => { process.stdout.write('no'); process.exit(0); },
);`;

function webgpuAdapterExists(): boolean {
  try {
    const backend = createRequire(import.meta.resolve('@pabnn/backend-webgpu'));
    const dawn = backend.resolve('webgpu');
    const answer = execFileSync(process.execPath, ['-e', PROBE, dawn], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 20_000,
      encoding: 'utf8',
    });
    return answer === 'yes';
  } catch {
    return false;
  }
}

/**
 * The backend for a command run without --backend: undefined (every registered one by
 * priority) where a WebGPU adapter exists, else the others by priority after one line on
 * stderr, instead of Dawn's warnings.
 */
export function defaultBackends(): string[] | undefined {
  const names = listBackends().map((p) => p.name);
  if (!names.includes('webgpu') || webgpuAdapterExists()) return undefined;
  process.stderr.write('pabnn: no WebGPU adapter here; running on wasm or js\n');
  return names.filter((n) => n !== 'webgpu');
}
