import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportsDir } from '../../reports.js';

function ensure(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The repository root (a bundled copy on a GPU machine lives in .gpu/: it sets the PABNN_* variables instead). */
const root = () => resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

/** Trained models the apps ship: <repo>/models (PABNN_MODELS_DIR overrides). */
export const modelsDir = () => ensure(process.env.PABNN_MODELS_DIR ?? join(root(), 'models'));

/** One JSON per finished run: reports/accuracy-runs. */
export const runsDir = () => ensure(join(reportsDir(), 'accuracy-runs'));

/** Resumable checkpoints and logs: <repo>/.cache/train (PABNN_TRAIN_CACHE overrides). */
export const trainCacheDir = () =>
  ensure(process.env.PABNN_TRAIN_CACHE ?? join(root(), '.cache', 'train'));
