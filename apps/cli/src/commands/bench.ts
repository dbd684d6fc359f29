import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../load-model.js';
import { backendOption, intOption } from '../options.js';

/** Min, median, p90 (nearest rank) and max of run times in ms; spread = p90 - min. */
export function latencyStats(times: readonly number[]) {
  const s = [...times].sort((a, b) => a - b);
  const rank = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const median =
    s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return {
    runs: s.length,
    min: s[0],
    median,
    p90: rank(0.9),
    max: s[s.length - 1],
    spread: rank(0.9) - s[0],
  };
}

export const bench: Command = {
  name: 'bench',
  summary:
    'latency (min, median, p90, spread) of a model on each backend (or the one named), batch 1',
  usage:
    'pabnn bench <model> [--backend wasm|js|webgpu] [--runs 10] [--warmup 1] [--threads N] [--json]',
  details: `Feeds a fixed input of the model's shape (batch 1), runs --warmup untimed runs (memory
planning, kernel preparation, JIT), then times --runs runs one by one. Reports the minimum,
the median, the 90th percentile (nearest rank) and the spread (p90 - min) in ms, the nodes
that fall back to js and the peak activation memory. --threads goes to the wasm backend
(its 'auto' by default: the machine's threads, at most 4, where workers can start).`,
  options: {
    backend: { type: 'string', description: 'wasm, js or webgpu (default: wasm, then js)' },
    runs: { type: 'string', description: 'timed runs per backend (default 10)' },
    warmup: { type: 'string', description: 'untimed runs before timing (default 1)' },
    threads: {
      type: 'string',
      description: "wasm threads, 1-64 (default: the wasm backend's 'auto')",
    },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  examples: [
    'pabnn bench models/fashion-mnist__resnet8__pa-4x5.pabnn',
    'pabnn bench models/fashion-mnist__resnet8__pa-4x5.pabnn --backend wasm --threads 1 --runs 50 --warmup 5',
  ],
  async run([path], values) {
    if (!path) throw new UsageError('bench needs a model file');
    const runs = intOption(values.runs, 'runs', 10);
    const warmup = intOption(values.warmup, 'warmup', 1, 0);
    const threads =
      values.threads === undefined ? 'auto' : intOption(values.threads, 'threads', 1, 1, 64);
    const backend = backendOption(values.backend);
    const graph = loadModel(path);
    const feeds = Object.fromEntries(
      graph.inputs.map((i) => {
        const shape = i.shape.map((d) => (d < 0 ? 1 : d));
        const n = shape.reduce((a, b) => a * b, 1);
        return [
          i.name,
          tensor(
            'float32',
            shape,
            Float32Array.from({ length: n }, (_, k) => Math.sin(k)),
          ),
        ];
      }),
    );
    const backends = backend ? [backend] : ['wasm', 'js'];
    const reports = [];
    for (const name of backends) {
      const session = await Session.create(graph, {
        backend: name,
        fallback: false,
        // 'auto' is the wasm backend's default: no option passed
        backendOptions: name === 'wasm' && threads !== 'auto' ? { threads } : undefined,
      });
      try {
        for (let r = 0; r < warmup; r++) await session.run(feeds);
        const times: number[] = [];
        for (let r = 0; r < runs; r++) {
          const t0 = performance.now();
          await session.run(feeds);
          times.push(performance.now() - t0);
        }
        const profile = session.profile();
        reports.push({
          backend: name,
          ...(name === 'wasm' ? { threads } : {}),
          warmup,
          ...latencyStats(times),
          fallbacks: profile.fallbacks.length,
          peakActivationBytes: profile.peakActivationBytes,
        });
      } finally {
        session.dispose();
      }
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ model: path, results: reports }, null, 2)}\n`);
      return 0;
    }
    for (const r of reports) {
      const ms = (v: number) => `${v.toFixed(2)} ms`;
      process.stdout.write(
        `${r.backend.padEnd(6)} min ${ms(r.min)}  median ${ms(r.median)}  p90 ${ms(r.p90)}  spread ${ms(r.spread)}  over ${r.runs} runs after ${r.warmup} warm-up${r.threads === undefined ? '' : `, threads ${r.threads}`}; ${r.fallbacks} nodes on js; peak activations ${(r.peakActivationBytes / 1e6).toFixed(2)} MB\n`,
      );
    }
    return 0;
  },
};
