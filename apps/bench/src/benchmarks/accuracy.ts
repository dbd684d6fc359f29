import { parseArgs } from 'node:util';
import type { Device } from '@pabnn/train';
import { runJobs } from './accuracy/jobs.js';
import { trainCacheDir } from './accuracy/paths.js';
import { RUNS } from './accuracy/recipe.js';
import { writeAccuracyReport } from './accuracy/report.js';
import { writeShippedIndex } from './accuracy/shipped.js';
import { trainRun } from './accuracy/train-run.js';

const USAGE = `pnpm bench accuracy [--device wasm|cpu|webgpu] [--jobs N] [--only <regexp>] [--phase train|report|all] [--data-dir <dir>] [--time-limit <s>]
  trains every run of the recipe (float, then xnor / abc 3x3 / pa 3x3 / pa 4x5 fine-tuned from it), each in its
  own process, resuming checkpoints; then evaluates the exported models on the runtime and writes reports/accuracy.*
  --only '^mnist/'  the runs whose id (dataset/model/scheme) matches the regular expression`;

/** `pnpm bench accuracy`: the QAT table of issue #10. */
export async function runAccuracy(argv = process.argv.slice(3)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      device: { type: 'string', default: 'wasm' },
      jobs: { type: 'string', default: '1' },
      only: { type: 'string' },
      phase: { type: 'string', default: 'all' },
      'data-dir': { type: 'string' },
      run: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      'time-limit': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const device = values.device as Device;
  const dataDir = values['data-dir'];
  if (values.run) {
    const spec = RUNS.find((r) => r.id === values.run);
    if (!spec)
      throw new Error(`unknown run '${values.run}' (runs: ${RUNS.map((r) => r.id).join(', ')})`);
    const result = await trainRun(spec, { device, dataDir, smoke: values.smoke });
    process.stderr.write(`[accuracy] ${spec.id}: top-1 ${(100 * result.top1).toFixed(2)} %\n`);
    return;
  }
  const only = values.only === undefined ? undefined : new RegExp(values.only);
  const specs = RUNS.filter((r) => !only || only.test(r.id));
  if (specs.length === 0) {
    throw new Error(
      `--only ${values.only} matches no run (runs: ${RUNS.map((r) => r.id).join(', ')})`,
    );
  }
  if (values.phase === 'train' || values.phase === 'all') {
    const args = ['--device', device, ...(dataDir ? ['--data-dir', dataDir] : [])];
    const limit = values['time-limit'] ? Number(values['time-limit']) : undefined;
    const failed = await runJobs(specs, Number(values.jobs), args, limit);
    if (failed.length)
      throw new Error(`runs failed: ${failed.join(', ')} (logs in ${trainCacheDir()})`);
  }
  if (values.phase === 'report' || values.phase === 'all') {
    await writeAccuracyReport(dataDir);
    writeShippedIndex();
  }
}
