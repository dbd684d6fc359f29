import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../load-model.js';
import { backendOption, intOption } from '../options.js';

export const bench: Command = {
  name: 'bench',
  summary: 'median latency of a model on each backend (or the one named), batch 1',
  usage: 'pabnn bench <model> [--backend wasm|js|webgpu] [--runs 10]',
  options: { backend: { type: 'string' }, runs: { type: 'string' } },
  async run([path], values) {
    if (!path) throw new UsageError('bench needs a model file');
    const runs = intOption(values.runs, 'runs', 10);
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
    for (const name of backends) {
      const session = await Session.create(graph, { backend: name });
      await session.run(feeds); // warm-up: plans memory, compiles
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        await session.run(feeds);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const profile = session.profile();
      process.stdout.write(
        `${name.padEnd(6)} median ${times[Math.floor(runs / 2)].toFixed(2)} ms over ${runs} runs; ${profile.fallbacks.length} nodes on js; peak activations ${(profile.peakActivationBytes / 1e6).toFixed(2)} MB\n`,
      );
      session.dispose();
    }
    return 0;
  },
};
