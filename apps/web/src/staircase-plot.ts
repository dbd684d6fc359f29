import { evaluate, type Staircase } from '@pabnn/quantizer';

const W = 420;
const H = 220;
const PAD = 28;
const BINS = 48;

/**
 * An SVG of one weight channel: the histogram of its float values (bars) and the PA staircase
 * Q(w) that replaces them (the line: each piece of w maps to one level).
 */
export function staircaseSvg(values: ArrayLike<number>, stairs: Staircase, title: string): string {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const span = hi - lo || 1;
  const counts = new Array<number>(BINS).fill(0);
  for (let i = 0; i < values.length; i++) {
    counts[Math.min(BINS - 1, Math.floor(((values[i] - lo) / span) * BINS))]++;
  }
  const maxCount = Math.max(...counts);
  const x = (v: number) => PAD + ((v - lo) / span) * (W - 2 * PAD);
  const barW = (W - 2 * PAD) / BINS;
  const bars = counts
    .map((c, i) => {
      const h = (c / maxCount) * (H - 2 * PAD);
      return `<rect x="${(PAD + i * barW).toFixed(1)}" y="${(H - PAD - h).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#b7cde3"/>`;
    })
    .join('');
  // the staircase, on the same horizontal axis; its vertical axis spans the value range too
  const y = (v: number) => H - PAD - ((v - lo) / span) * (H - 2 * PAD);
  const points: string[] = [];
  const steps = 200;
  for (let i = 0; i <= steps; i++) {
    const v = lo + (span * i) / steps;
    points.push(`${x(v).toFixed(1)},${y(evaluate(stairs, v)).toFixed(1)}`);
  }
  const thresholds = Array.from(stairs.thresholds)
    .filter((t) => t > lo && t < hi)
    .map(
      (t) =>
        `<line x1="${x(t)}" x2="${x(t)}" y1="${PAD}" y2="${H - PAD}" stroke="#999" stroke-dasharray="3 3"/>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}">
${bars}${thresholds}
<polyline points="${points.join(' ')}" fill="none" stroke="#c0392b" stroke-width="2"/>
<line x1="${PAD}" x2="${W - PAD}" y1="${H - PAD}" y2="${H - PAD}" stroke="#333"/>
<text x="${PAD}" y="${H - 8}" font-size="11">${lo.toFixed(3)}</text>
<text x="${W - PAD}" y="${H - 8}" font-size="11" text-anchor="end">${hi.toFixed(3)}</text>
<text x="${W / 2}" y="${H - 8}" font-size="11" text-anchor="middle">weight value (bars: histogram; red: Q(w))</text>
</svg>`;
}
