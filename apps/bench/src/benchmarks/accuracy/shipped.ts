import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { modelsDir } from './paths.js';
import { MAIN_RUNS } from './recipe.js';
import { modelFile } from './train-run.js';

/** The list of shipped models in models/ (apps/web copies only these into the demo). */
export const SHIPPED_INDEX = 'shipped.json';

/**
 * Writes models/shipped.json: the model files of the recipe's main rows (recipe.ts MAIN_RUNS,
 * the ones `npm start` and the web demo show), in that order. models/ also holds every
 * ablation and sweep run the reports cite; those stay out of the demo's model list.
 */
export function writeShippedIndex(): string[] {
  const all = MAIN_RUNS.map((r) => basename(modelFile(r.id)));
  const files = all.filter((f) => existsSync(join(modelsDir(), f)));
  const missing = all.filter((f) => !files.includes(f));
  if (missing.length)
    process.stderr.write(
      `[accuracy] not in ${SHIPPED_INDEX} (not trained here): ${missing.join(', ')}\n`,
    );
  const index = {
    about:
      'The models the main job and the web demo show (apps/bench recipe.ts MAIN_RUNS), written by `pnpm bench accuracy --phase report`; the other files here are the runs reports/accuracy.md and reports/ablation.md cite.',
    models: files,
  };
  writeFileSync(join(modelsDir(), SHIPPED_INDEX), `${JSON.stringify(index, null, 2)}\n`);
  return files;
}
