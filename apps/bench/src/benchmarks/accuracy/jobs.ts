import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runsDir, trainCacheDir } from './paths.js';
import { type RunSpec, runFileName } from './recipe.js';
import { modelFile } from './train-run.js';

/** Keys sorted at every level, so two specs compare by content, not by key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/**
 * A run is done when its result and model exist and the result was trained with this very
 * spec: a result left from an older recipe (other epochs, learning rate, calibration, ...) under
 * the same id is trained again instead of being reported as the new recipe's.
 */
export const runDone = (spec: RunSpec) => {
  const result = join(runsDir(), `${runFileName(spec.id)}.json`);
  if (!existsSync(result) || !existsSync(modelFile(spec.id))) return false;
  try {
    return canonical(JSON.parse(readFileSync(result, 'utf8')).spec) === canonical(spec);
  } catch {
    return false; // unreadable or half-written result: train again
  }
};

/**
 * Runs each spec in its own process (`<this script> accuracy --run <id> ...args`), at most
 * `jobs` at a time, a run only after the runs it needs (`from`, `teacher`) have finished; each child's
 * progress goes to <train cache>/<run>.log (paths.ts). Resolves with the ids that failed.
 * With PABNN_JOB_WRAPPER set (a program), each child runs as `<wrapper> <slot> node ...`, slot
 * 0..jobs-1 free for it: on a machine with several GPUs, apps/bench/gpu/one-gpu.sh gives each
 * child one GPU of its own (Dawn cannot pick between identical adapters).
 */
export async function runJobs(
  specs: RunSpec[],
  jobs: number,
  args: string[],
  timeLimitSeconds?: number,
): Promise<string[]> {
  const pending = specs.filter((s) => !runDone(s));
  const failed: string[] = [];
  const running = new Set<string>();
  const finished = new Set(specs.filter(runDone).map((s) => s.id));
  const children = new Set<ReturnType<typeof spawn>>();
  const freeSlots = Array.from({ length: jobs }, (_, i) => i);
  const wrapper = process.env.PABNN_JOB_WRAPPER;
  let outOfTime = false;
  // past the time limit: no new runs, and running ones stop at a checkpoint (SIGTERM)
  const timer =
    timeLimitSeconds === undefined
      ? undefined
      : setTimeout(() => {
          outOfTime = true;
          process.stderr.write('[accuracy] time limit reached: stopping runs at checkpoints\n');
          for (const c of children) c.kill('SIGTERM');
        }, timeLimitSeconds * 1000);
  return new Promise((resolveAll) => {
    const next = () => {
      if (outOfTime) pending.length = 0;
      for (let i = 0; i < pending.length && running.size < jobs; ) {
        const spec = pending[i];
        // the runs this one needs: the one it starts from and its distillation teacher
        const needs = [spec.from, spec.teacher].filter((id): id is string => id !== undefined);
        const blocked = needs.some((id) => !finished.has(id) && specs.some((s) => s.id === id));
        // a needed run outside this selection must have been trained already
        const missing = needs.find(
          (id) => !specs.some((s) => s.id === id) && !existsSync(modelFile(id)),
        );
        if (missing) {
          process.stderr.write(
            `[accuracy] ${spec.id} needs ${missing}, which is not trained: train it first\n`,
          );
          failed.push(spec.id);
          pending.splice(i, 1);
          continue;
        }
        const parentFailed = needs.some((id) => failed.includes(id));
        if (parentFailed) {
          failed.push(spec.id);
          pending.splice(i, 1);
          continue;
        }
        if (blocked) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        start(spec);
      }
      if (running.size === 0 && pending.length === 0) {
        clearTimeout(timer);
        resolveAll(failed);
      }
    };
    const start = (spec: RunSpec) => {
      running.add(spec.id);
      const log = join(trainCacheDir(), `${runFileName(spec.id)}.log`);
      const out = createWriteStream(log, { flags: 'a' });
      const slot = freeSlots.shift() ?? 0;
      const command = [process.execPath, process.argv[1], 'accuracy', '--run', spec.id, ...args];
      const child = wrapper
        ? spawn(wrapper, [String(slot), ...command], { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      child.stdout.pipe(out);
      child.stderr.pipe(out);
      const began = Date.now();
      process.stderr.write(`[accuracy] started ${spec.id} (log: ${log})\n`);
      child.on('close', (code) => {
        freeSlots.push(slot);
        running.delete(spec.id);
        children.delete(child);
        const minutes = ((Date.now() - began) / 60000).toFixed(1);
        if (code === 0) finished.add(spec.id);
        else failed.push(spec.id);
        process.stderr.write(
          `[accuracy] ${code === 0 ? 'finished' : `FAILED (exit ${code})`} ${spec.id} after ${minutes} min\n`,
        );
        next();
      });
    };
    next();
  });
}
