import { PA_CONV_KERNELS, type PAConvKernel } from '@pabnn/backend-webgpu';
import { markdownTable } from '../reports.js';
import type { ModelProfile } from './profile.js';
import type { JobResults, LayerRow, ModelRow } from './results.js';

const x = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(2)}x`);
const ms = (v: number | undefined, digits = 3) => (v === undefined ? '-' : v.toFixed(digits));
const bases = (m: number | null, n: number | null) => (m === null ? 'float' : `${m} x ${n}`);

/** Issue 29's targets on the batch-32 layers: PAConv2D at least this many times TF.js's float conv. */
const LAYER_TARGETS: Record<string, number> = { '1x1': 10, '2x2': 5, '4x5': 1.2 };
/** And on the whole ResNet-18 (images/s vs TF.js float): batch 32, and batch 1 for (1,1) and (2,2). */
const MODEL_TARGETS: { M: number; N: number; batch: number; least: number }[] = [
  { M: 2, N: 2, batch: 32, least: 3 },
  { M: 4, N: 5, batch: 32, least: 1.5 },
  { M: 1, N: 1, batch: 1, least: 5 },
  { M: 2, N: 2, batch: 1, least: 5 },
];

/** The float conv's MACs of a row: stored since the peak was added, else read from its name ('32x56x56x64 -> 64, 3x3'). */
function layerMacs(row: LayerRow): number {
  if (row.macs !== undefined) return row.macs;
  const [, b, h, w, cin, cout, kh, kw] = /^(\d+)x(\d+)x(\d+)x(\d+) -> (\d+), (\d+)x(\d+)/
    .exec(row.layer)!
    .map(Number);
  return b * h * w * cin * cout * kh * kw;
}

/** One row per (layer, M x N): both kernels, the one 'auto' picks, TF.js, and against the peak. */
function layerTable(layers: LayerRow[], peak: number | undefined) {
  const keys = [...new Set(layers.map((r) => `${r.layer}|${r.M}|${r.N}`))];
  return keys.map((key) => {
    const rows = layers.filter((r) => `${r.layer}|${r.M}|${r.N}` === key);
    const first = rows[0];
    const auto = rows.find((r) => r.kernel === first.autoKernel);
    const best = Math.min(...rows.map((r) => r.oursMs));
    // binary MACs: each of the M x N plane pairs is a full XOR/popcount conv
    const binaryMacs = layerMacs(first) * first.M * first.N;
    const peakMs = peak ? (binaryMacs / peak) * 1000 : undefined;
    return {
      layer: first.layer,
      M: first.M,
      N: first.N,
      byKernel: Object.fromEntries(rows.map((r) => [r.kernel, r.oursMs])) as Partial<
        Record<PAConvKernel, number>
      >,
      autoKernel: first.autoKernel,
      tfjs: first.tfjsWebgpuMs,
      ort: first.ortWebgpuMs,
      oursFloat: first.oursFloatMs,
      autoSpeedup: auto ? first.tfjsWebgpuMs / auto.oursMs : undefined,
      // only where ORT's output matched ours (ortLayerLine flags the rest)
      autoSpeedupVsOrt:
        auto && first.ortWebgpuMs !== undefined && ortChecked(first)
          ? first.ortWebgpuMs / auto.oursMs
          : undefined,
      bestSpeedup: first.tfjsWebgpuMs / best,
      binaryMacs,
      /** The auto kernel's binary MAC rate as a share of the peak, and the speed-up the peak allows. */
      // (none for the dequantized kernel, which does no binary MACs)
      percentOfPeak:
        auto && peakMs !== undefined && auto.kernel !== 'dequantized'
          ? (100 * peakMs) / auto.oursMs
          : undefined,
      peakMs,
      peakSpeedup: peakMs !== undefined ? first.tfjsWebgpuMs / peakMs : undefined,
    };
  });
}

/**
 * What the layer rows say of each kernel's output against the direct kernel's on the GPU
 * (LayerRow#differenceVsDirect); the conformance suite's bound is 1e-4 of the largest magnitude.
 */
function checkedLine(rows: LayerRow[]): string {
  const checked = rows.filter((r) => r.differenceVsDirect !== undefined);
  if (checked.length === 0)
    return 'Outputs of the kernels were not compared on the GPU in these results.';
  const worst = checked.reduce((a, b) =>
    !(b.differenceVsDirect! <= a.differenceVsDirect!) ? b : a,
  );
  const off = checked.filter((r) => !(r.differenceVsDirect! <= 1e-4));
  return `Every other kernel's output against the direct kernel's on this GPU (same input): largest difference ${worst.differenceVsDirect!.toExponential(1)} of the largest magnitude (${worst.kernel}, ${worst.layer} (${worst.M},${worst.N}))${
    off.length
      ? `; **over 1e-4 (wrong results, timings not comparable)**: ${off.map((r) => `${r.kernel} on ${r.layer} (${r.M},${r.N})`).join(', ')}`
      : ', within the 1e-4 the conformance suite asks'
  }.`;
}

/**
 * How onnxruntime-web's layer times were taken (ort-conv-timing.ts) and what its outputs were
 * checked against, or that it did not run.
 */
function ortLayerLine(rows: LayerRow[]): string {
  const timed = rows.filter((r) => r.ortWebgpuMs !== undefined);
  if (timed.length === 0)
    return 'onnxruntime-web did not time the layers in these results ("-"; the notes say why where it failed).';
  const checked = timed.filter((r) => r.ortDifference !== undefined);
  const worst = checked.reduce<LayerRow | undefined>(
    (a, b) => (a === undefined || !(b.ortDifference! <= a.ortDifference!) ? b : a),
    undefined,
  );
  const off = [...new Set(timed.filter((r) => !ortChecked(r)).map((r) => r.layer))];
  return `ORT webgpu float: onnxruntime-web's WebGPU EP on the same conv and weights (the one-Conv graph exported to ONNX as the whole-model rows are), input and output in GPU buffers of its device, no upload or read-back; it takes one run at a time, so each sample awaits its runs one after another, then waits until the GPU has run them all (src/webgpu-job/ort-conv-timing.ts). Its outputs against our float conv's: ${
    worst
      ? `largest difference ${worst.ortDifference!.toExponential(1)} of the largest magnitude (${worst.layer})`
      : 'not compared'
  }${off.length ? `; **over 1e-4 or not compared (no "vs ORT" ratio)**: ${off.join(', ')}` : ''}.`;
}

/** Whether ORT's output of a layer row was compared with ours and within 1e-4 (NaN fails). */
const ortChecked = (row: LayerRow) => row.ortDifference !== undefined && row.ortDifference <= 1e-4;

/** Issue 29's thresholds read against onnxruntime-web WebGPU ("the same tables"), where it ran. */
function ortTargetLines(
  layers: ReturnType<typeof layerTable>,
  models: { M: number | null; N: number | null; batch: number; vsOrt?: number }[],
): string {
  const lines = [
    ...layers
      .filter(
        (l) => LAYER_TARGETS[`${l.M}x${l.N}`] !== undefined && l.autoSpeedupVsOrt !== undefined,
      )
      .map(
        (l) =>
          `PAConv2D ${l.layer} (${l.M},${l.N}) vs ORT's float conv: ${x(l.autoSpeedupVsOrt)} (TF.js's threshold ${LAYER_TARGETS[`${l.M}x${l.N}`]}x)`,
      ),
    ...MODEL_TARGETS.flatMap((t) => {
      const row = models.find((r) => r.M === t.M && r.N === t.N && r.batch === t.batch);
      return row?.vsOrt === undefined
        ? []
        : [
            `PA ResNet-18 (${t.M},${t.N}) at batch ${t.batch} vs ORT float: ${x(row.vsOrt)} (TF.js's threshold ${t.least}x)`,
          ];
    }),
  ];
  return lines.length
    ? `Against onnxruntime-web's WebGPU EP (the issue asks for the same tables against it; its thresholds are TF.js's):\n\n${lines.map((l) => `- ${l}`).join('\n')}\n\nAgainst TF.js webgpu:\n\n`
    : '';
}

function find(
  models: ModelRow[],
  runtime: ModelRow['runtime'],
  batch: number,
  m: number | null,
  n: number | null,
) {
  return models.find((r) => r.runtime === runtime && r.batch === batch && r.M === m && r.N === n);
}

/** The report (Markdown) and its JSON, from the job's results: everything in them is measured. */
export function webgpuReport(results: JobResults): { markdown: string; json: object } {
  const peak = results.peak?.binaryMacsPerSecond;
  const layers = layerTable(results.layers, peak);
  const ours = results.models.filter((r) => r.runtime === 'ours');
  const modelRows = ours.map((r) => {
    const tfjs = find(results.models, 'tfjs-webgpu', r.batch, null, null);
    const ort = find(results.models, 'ort-webgpu', r.batch, null, null);
    return {
      ...r,
      tfjsImagesPerSecond: tfjs?.imagesPerSecond,
      ortImagesPerSecond: ort?.imagesPerSecond,
      vsTfjs: tfjs ? r.imagesPerSecond / tfjs.imagesPerSecond : undefined,
      vsOrt: ort ? r.imagesPerSecond / ort.imagesPerSecond : undefined,
    };
  });
  const targets = [
    ...layers
      .filter((l) => LAYER_TARGETS[`${l.M}x${l.N}`] !== undefined)
      .map((l) => ({
        what: `PAConv2D ${l.layer} (${l.M},${l.N}), kernel '${l.autoKernel}' (auto)`,
        least: LAYER_TARGETS[`${l.M}x${l.N}`],
        got: l.autoSpeedup,
        bound: l.peakSpeedup,
      })),
    ...MODEL_TARGETS.map((t) => ({
      what: `PA ResNet-18 (${t.M},${t.N}) at batch ${t.batch}, images/s vs TF.js float`,
      least: t.least,
      got: modelRows.find((r) => r.M === t.M && r.N === t.N && r.batch === t.batch)?.vsTfjs,
      bound: undefined as number | undefined,
    })),
  ].map((t) => ({ ...t, met: t.got !== undefined && t.got >= t.least }));
  const float = ours.find((r) => r.M === null && r.errorVsTfjs !== undefined);
  const ortCheck = results.models.find((r) => r.runtime === 'ort-webgpu');
  const card = results.card
    ? `${results.card}, driver ${results.driver}`
    : 'card not named by nvidia-smi';
  const date = (results.finishedAt ?? results.startedAt).slice(0, 10);
  const machine = results.machine as { cpu?: string; node?: string };
  const markdown = `# WebGPU on ${results.card ?? 'this adapter'}: PA-BNN vs TF.js webgpu and onnxruntime-web WebGPU (float)

**${card}**; Dawn adapter: ${results.adapter}${results.adapterFeatures ? ` (features: ${results.adapterFeatures.join(', ') || 'none'})` : ''}; ${machine.cpu}, Node ${machine.node}, ${date}.${results.software ? ' A software adapter: these numbers say nothing about GPUs.' : ''}${results.tiny ? ' Tiny shapes (PABNN_WEBGPU_TINY=1): a check that the job runs, not a measurement.' : ''}

## PAConv2D at batch ${results.layers[0]?.batch ?? '-'} on ResNet-18's 3x3 layers (stride 1, pad 1): GPU time per conv

Inputs on the GPU; each sample queues the conv ${results.layerRepeat} times and waits for the queue (ours: \`WebGpuBackend#finish\`; TF.js:
reading one element of the last output), median per conv. Ours = binarize into bit-planes + XOR/popcount conv with the fused
epilogue, on the direct kernel (one invocation per pixel and 8 channels), the tiled one (32 pixels x 32 channels staged in
workgroup memory, 2 pixels an invocation), tiled-wide (64 pixels, 4 an invocation; N <= 4), halo (8 x 8 output pixels
and their input halo staged once, 4 pixels x 8 channels an invocation, the window compiled in, its own binarize) and
halo-fused (the same conv binarizing its halo from the float input: one dispatch), and dequantized (no popcounts: the
float conv of the staircase levels Q_a(x) with Q_w dequantized, on our tiled float conv, after a pass that puts the input
through the staircase: two dispatches); "-" where a kernel does not take the layer or was not in the job yet; \`auto\` is what the backend
picks by shape. TF.js = \`tf.conv2d\` in float32; ours float = our Conv2D of the same shape on its default kernel (the tiled
float conv: 128 or 64 pixels x 64 channels a workgroup, staged in workgroup memory). % of peak: the auto
kernel's binary MACs (the float conv's MACs x M x N, binarize included in its time) per second against the peak below ("-" for
the dequantized kernel, which does none)${peak === undefined ? ' (not measured in these results: "-")' : ''}.

${peakSection(results)}

${markdownTable(
  [
    'layer',
    'M x N',
    ...PA_CONV_KERNELS.map((k) => `${k} (ms)`),
    'auto',
    'TF.js webgpu float (ms)',
    'ORT webgpu float (ms)',
    'ours float (ms)',
    'speed-up (auto)',
    'speed-up (best kernel)',
    'vs ORT (auto)',
    '% of peak (auto)',
  ],
  layers.map((l) => [
    l.layer,
    `${l.M} x ${l.N}`,
    ...PA_CONV_KERNELS.map((k) => ms(l.byKernel[k])),
    l.autoKernel,
    ms(l.tfjs),
    ms(l.ort),
    ms(l.oursFloat),
    x(l.autoSpeedup),
    x(l.bestSpeedup),
    x(l.autoSpeedupVsOrt),
    l.percentOfPeak === undefined ? '-' : `${l.percentOfPeak.toFixed(0)} %`,
  ]),
)}

${checkedLine(results.layers)} ${ortLayerLine(results.layers)}

## Whole ResNet-18, end to end: latency and throughput

Host input in, host logits out on every side (upload, every layer, read-back); images/s = batch / median ms of sequential
runs, so batch 1 is the latency. TF.js runs the zoo's float ResNet-18 (seeded weights) through @pabnn/train's TrainableModel;
onnxruntime-web ${ortCheck ? 'its WebGPU EP (the JSEP build in Node on Dawn, with a shim that copies its SharedArrayBuffer uploads, see src/webgpu-job/ort-webgpu.ts)' : 'did not run (notes below)'}
on the same weights exported to ONNX; our \`Session\` on the webgpu backend runs those weights too${float ? ` (logits within ${float.errorVsTfjs?.toExponential(1)} of TF.js's largest)` : ''}${ortCheck?.errorVsTfjs !== undefined ? `, ORT's within ${ortCheck.errorVsTfjs.toExponential(1)}` : ''},
and the zoo's seeded PA models. The runtime checks inputs for NaN/Infinity on the GPU with the run and reads back the logits only.

${markdownTable(
  [
    'model',
    'M x N',
    'batch',
    'ours (ms)',
    'ours (images/s)',
    'TF.js webgpu float (images/s)',
    'ORT webgpu float (images/s)',
    'vs TF.js',
    'vs ORT',
    'model MB',
  ],
  modelRows.map((r) => [
    r.model,
    bases(r.M, r.N),
    r.batch,
    ms(r.ms, 2),
    r.imagesPerSecond.toFixed(1),
    r.tfjsImagesPerSecond?.toFixed(1) ?? '-',
    r.ortImagesPerSecond?.toFixed(1) ?? '-',
    x(r.vsTfjs),
    x(r.vsOrt),
    r.modelBytes === undefined ? '-' : (r.modelBytes / 1e6).toFixed(1),
  ]),
)}

## Issue 29's targets
${results.tiny || results.software ? '\nNot evaluated: tiny shapes or a software adapter (the lines below only show that the report computes them).\n' : ''}
${ortTargetLines(layers, modelRows)}${targets.map((t) => `- ${t.met ? 'met' : 'not met'}: ${t.what}: ${x(t.got)} (at least ${t.least}x)${!t.met && t.bound !== undefined ? `; binary kernels at the measured popcount peak at most ${x(t.bound)}${t.bound < t.least ? ': beyond this GPU for the binary form' : ''}` : ''}`).join('\n')}
${profileSection(results.profiles ?? [])}${results.notes.length ? `\n## Notes\n\n${results.notes.map((n) => `- ${n}`).join('\n')}\n` : ''}
Produced by the WebGPU throughput job (\`apps/bench/gpu/webgpu-job.ts\`, bundled by \`pnpm --filter @pabnn/bench run gpu-bundle\`,
run with \`source .gpu/setup.sh && node .gpu/webgpu-job.cjs\`) and written from its \`webgpu-results.json\` by
\`pnpm --filter @pabnn/bench run webgpu-report <webgpu-results.json>\`.
`;
  return { markdown, json: { ...results, summary: { layers, models: modelRows, targets } } };
}

const sumOf = (values: number[] | undefined) => (values ?? []).reduce((a, v) => a + v, 0);

const tera = (v: number) =>
  v >= 1e12 ? `${(v / 1e12).toFixed(1)} T` : `${(v / 1e9).toFixed(2)} G`;

/** The measured popcount peak (peak.ts), or why there is none. */
function peakSection(results: JobResults): string {
  const peak = results.peak;
  if (!peak)
    return '**Peak:** not measured in these results (the job measures it since the peak benchmark was added).';
  const variants = peak.variants
    .map(
      (v) =>
        `${v.name} ${tera(v.binaryMacsPerSecond)} binary MAC/s (${v.ms.toFixed(2)} ms a dispatch${v.checked ? '' : ', result WRONG: not counted'})`,
    )
    .join(', ');
  const first = peak.variants[0];
  return `**Peak: ${peak.binaryMacsPerSecond === undefined ? 'no variant computed the right result' : `${tera(peak.binaryMacsPerSecond)} binary MAC/s`}**, measured by the job's own WGSL loop (\`src/webgpu-job/peak.ts\`:
${first ? `${first.invocations} invocations x ${first.iterations} steps x ${first.wordsPerIteration}` : ''} independent 32-bit words in registers, each step XOR, popcount, add; results checked on the host): ${variants}.
The speed-up the peak allows is TF.js's time over the binary MACs at the peak (Issue 29's targets below).`;
}

/** Parts of a profiled run, grouped: the input's way in, each op's nodes, the way out. */
function profileParts(p: ModelProfile) {
  const ops = [...new Set(p.nodes.map((n) => n.op))];
  const stamped = (nodes: ModelProfile['nodes'], pick = (ms: number[]) => sumOf(ms)) =>
    p.timestamps ? sumOf(nodes.map((n) => pick(n.dispatchMs ?? []))) : undefined;
  const paConvs = p.nodes.filter((n) => n.op === 'PAConv2D');
  const parts: {
    part: string;
    count: number;
    gpuMs?: number;
    stampMs?: number;
    hostMs?: number;
  }[] = [
    { part: 'input upload (host)', count: 1, hostMs: p.uploadHostMs },
    {
      part: 'input write + NaN/Infinity check (queue)',
      count: 1,
      gpuMs: p.inputQueueMs,
      stampMs: p.finiteCheckMs,
    },
    ...ops.map((op) => {
      const nodes = p.nodes.filter((n) => n.op === op);
      return {
        part: op,
        count: nodes.length,
        gpuMs: sumOf(nodes.map((n) => n.gpuMs)),
        stampMs: stamped(nodes),
        hostMs: sumOf(nodes.map((n) => n.hostMs)),
      };
    }),
  ];
  // PAConv2D's two dispatches apart (timestamps only)
  if (p.timestamps && paConvs.length)
    parts.push(
      {
        part: '... PAConv2D binarize',
        count: paConvs.length,
        stampMs: stamped(paConvs, (ms) => ms[0] ?? 0),
      },
      {
        part: '... PAConv2D conv',
        count: paConvs.length,
        stampMs: stamped(paConvs, (ms) => sumOf(ms.slice(1))),
      },
    );
  parts.push({
    part: 'read-back of the logits + NaN flag',
    count: 1,
    hostMs: p.readbackMs + p.finiteReadMs,
  });
  return parts;
}

/** "Where the time goes": per op, the node waits of each profiled model side by side. */
function profileSection(profiles: ModelProfile[]): string {
  if (profiles.length === 0) return '';
  const parts = profiles.map(profileParts);
  const names = [...new Set(parts.flatMap((ps) => ps.map((p) => p.part)))];
  const cell = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
  const batch = profiles[0].batch;
  const slowest = profiles.map((p) =>
    [...p.nodes]
      .sort((a, b) => b.gpuMs - a.gpuMs)
      .slice(0, 5)
      .map((n) => `${n.node} (${n.op}) ${n.gpuMs.toFixed(2)} ms`)
      .join(', '),
  );
  return `
## Where the time goes at batch ${batch}

Our \`Session\` on the webgpu backend, wrapped so that it submits and waits for the queue after every node (\`src/webgpu-job/profile.ts\`):
a node's GPU ms (waits) is that wait (median of ${profiles[0].runs} runs), and includes one empty submit-and-wait each (${profiles.map((p) => `${p.waitMs.toFixed(3)} ms`).join(' / ')}, the
"wait overhead" row); host ms is recording its dispatches. ${profiles.some((p) => p.timestamps) ? "GPU ms (timestamps): the node's dispatches timed by timestamp queries in the runs without waits (each dispatch its own compute pass, Dawn's timestamp rounding off), summed: the only per-dispatch GPU time here." : 'No timestamp queries on this adapter: "-".'}
Input ${(profiles[0].inputBytes / 1e6).toFixed(2)} MB. The last rows are the same session without waits:
end to end, what the host spends before it waits (upload and recording), and the rest (the GPU finishing the run, read-back).

${markdownTable(
  [
    'part',
    'nodes',
    ...profiles.flatMap((p) => [
      `(${p.M},${p.N}) GPU ms (waits)`,
      `(${p.M},${p.N}) GPU ms (timestamps)`,
      `(${p.M},${p.N}) host ms`,
    ]),
  ],
  [
    ...names.map((name) => {
      const rows = parts.map((ps) => ps.find((p) => p.part === name));
      return [
        name,
        rows.find(Boolean)?.count ?? '-',
        ...rows.flatMap((r) => [cell(r?.gpuMs), cell(r?.stampMs), cell(r?.hostMs)]),
      ];
    }),
    [
      'wait overhead (nodes x empty wait, inside GPU ms (waits) above)',
      profiles[0].nodes.length,
      ...profiles.flatMap((p) => [cell(p.waitMs * p.nodes.length), '-', '-']),
    ],
    [
      '**profiled run** (every wait)',
      '-',
      ...profiles.flatMap((p) => [cell(p.profiledRunMs), '-', '-']),
    ],
    [
      '**run without waits**: end to end (timestamps: all dispatches)',
      '-',
      ...profiles.flatMap((p) => [
        cell(p.runMs),
        p.timestamps
          ? cell((p.finiteCheckMs ?? 0) + sumOf(p.nodes.map((n) => sumOf(n.dispatchMs))))
          : '-',
        '-',
      ]),
    ],
    [
      '... host: upload + recording',
      '-',
      ...profiles.flatMap((p) => ['-', '-', cell(p.runUploadHostMs + p.runRecordHostMs)]),
    ],
    [
      '... after the last node is recorded (GPU drains, read-back)',
      '-',
      ...profiles.flatMap((p) => [cell(p.runDrainMs), '-', '-']),
    ],
  ],
)}

Slowest nodes: ${profiles.map((p, i) => `(${p.M},${p.N}): ${slowest[i]}`).join('; ')}.
`;
}
