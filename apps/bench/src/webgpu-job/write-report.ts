// `pnpm --filter @pabnn/bench run webgpu-report <webgpu-results.json> [name]`: writes
// reports/<name>.md and .json (default webgpu-nvidia) from the WebGPU job's results.
import { readFileSync } from 'node:fs';
import { writeReport } from '../reports.js';
import { webgpuReport } from './report.js';
import type { JobResults } from './results.js';

const [path, name = 'webgpu-nvidia'] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: webgpu-report <webgpu-results.json> [report name]\n');
  process.exit(2);
}
const results = JSON.parse(readFileSync(path, 'utf8')) as JobResults;
if (results.job !== 'webgpu-throughput') {
  process.stderr.write(`${path} is not the WebGPU throughput job's results\n`);
  process.exit(1);
}
const { markdown, json } = webgpuReport(results);
process.stdout.write(
  `${writeReport(`${name}.json`, json)}\n${writeReport(`${name}.md`, markdown)}\n`,
);
