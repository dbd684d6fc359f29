import '@pabnn/backend-wasm';
import type { Tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { bestMedianMs } from './timing.js';

/**
 * Batch time (ms) of a .pabnn on our wasm backend at `threads`: a fresh session, the lowest of
 * bestMedianMs's medians of its runs. The benchmarks that time models in two passes (main,
 * pareto) call it once a pass.
 */
export async function wasmRunMs(
  bytes: Uint8Array,
  threads: number,
  feeds: Record<string, Tensor>,
): Promise<number> {
  const session = await Session.create(bytes, { backend: 'wasm', backendOptions: { threads } });
  try {
    return await bestMedianMs(() => session.run(feeds));
  } finally {
    session.dispose();
  }
}
