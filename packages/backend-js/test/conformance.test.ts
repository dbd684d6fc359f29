// backend-js against the shared conformance suite. It is the reference backend, so the suite
// checks its PAConv2D against the float64 oracle and its contract; its float ops are checked
// against TF.js in float-ops-vs-tfjs.test.ts.
import { runConformance } from '@pabnn/backend/conformance';
import { jsBackend } from '../src/index.js';

await runConformance(jsBackend);
