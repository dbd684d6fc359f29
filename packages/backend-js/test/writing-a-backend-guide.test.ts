// The minimal plugin of packages/backend/WRITING_A_BACKEND.md is real: extract it, and run the
// conformance suite on it with backend-js (registered by this import) as the reference.
// It lives here, not in @pabnn/backend, because the suite needs backend-js registered.
import { fileURLToPath } from 'node:url';
import type { BackendPlugin } from '@pabnn/backend';
import { runConformance } from '@pabnn/backend/conformance';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import '../src/index.js';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const [plugin] = readmeExamples(path('../../backend/WRITING_A_BACKEND.md'));
const { tinyBackend } = (await runExample(plugin, {
  '@pabnn/backend': path('../../backend/dist/index.js'),
  '@pabnn/ir': path('../../ir/dist/index.js'),
})) as { tinyBackend: BackendPlugin };

await runConformance(tinyBackend, { label: 'the WRITING_A_BACKEND.md example (tiny)' });
