import { evaluate, type Staircase } from './staircase.js';

export interface PlottedStaircase {
  label: string;
  color: string;
  staircase: Staircase;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * SVG: a histogram of `values` (grey bars, left axis: count) with staircases Q(x) drawn over
 * it (coloured steps, right axis: Q(x) on the same scale as x), so the reader sees where the
 * thresholds cut the distribution and which level each piece gets.
 */
export function staircasePlot(
  values: ArrayLike<number>,
  stairs: PlottedStaircase[],
  title: string,
): string {
  const W = 760;
  const H = 420;
  const m = { left: 60, right: 60, top: 40, bottom: 60 };
  const sorted = Float64Array.from(values).sort();
  // clip the view to the 0.2%..99.8% range so a few outliers do not squash the plot
  const lo = sorted[Math.floor(sorted.length * 0.002)];
  const hi = sorted[Math.ceil(sorted.length * 0.998) - 1];
  const bins = 60;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) {
    if (v >= lo && v <= hi) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  }
  const maxCount = Math.max(...counts);
  const px = (x: number) => m.left + ((x - lo) / (hi - lo)) * (W - m.left - m.right);
  const plotH = H - m.top - m.bottom;
  const pyCount = (c: number) => H - m.bottom - (c / maxCount) * plotH;
  const levels = stairs.flatMap((s) => Array.from(s.staircase.levels));
  const qLo = Math.min(lo, ...levels);
  const qHi = Math.max(hi, ...levels);
  const pyQ = (q: number) => H - m.bottom - ((q - qLo) / (qHi - qLo)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  const bw = (W - m.left - m.right) / bins;
  counts.forEach((c, i) => {
    parts.push(
      `<rect x="${(m.left + i * bw).toFixed(2)}" y="${pyCount(c).toFixed(2)}" width="${(bw - 1).toFixed(2)}" height="${(H - m.bottom - pyCount(c)).toFixed(2)}" fill="#d0d0d0"/>`,
    );
  });
  for (const s of stairs) {
    const t = Array.from(s.staircase.thresholds).filter((x) => x > lo && x < hi);
    const xs = [lo, ...t, hi];
    let d = '';
    for (let i = 0; i + 1 < xs.length; i++) {
      const q = evaluate(s.staircase, (xs[i] + xs[i + 1]) / 2);
      d += `${i === 0 ? 'M' : 'L'}${px(xs[i]).toFixed(2)},${pyQ(q).toFixed(2)} L${px(xs[i + 1]).toFixed(2)},${pyQ(q).toFixed(2)} `;
    }
    parts.push(`<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="2.5"/>`);
    for (const x of t) {
      parts.push(
        `<line x1="${px(x).toFixed(2)}" x2="${px(x).toFixed(2)}" y1="${m.top}" y2="${H - m.bottom}" stroke="${s.color}" stroke-dasharray="3,4" stroke-width="1"/>`,
      );
    }
  }
  // identity line: what a lossless quantizer would draw
  parts.push(
    `<line x1="${px(lo)}" y1="${pyQ(lo)}" x2="${px(hi)}" y2="${pyQ(hi)}" stroke="#888" stroke-dasharray="6,4"/>`,
  );
  // axes and ticks
  parts.push(
    `<line x1="${m.left}" y1="${H - m.bottom}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="black"/>`,
  );
  for (let i = 0; i <= 4; i++) {
    const x = lo + ((hi - lo) * i) / 4;
    parts.push(
      `<text x="${px(x)}" y="${H - m.bottom + 16}" text-anchor="middle">${x.toFixed(3)}</text>`,
    );
    const q = qLo + ((qHi - qLo) * i) / 4;
    parts.push(`<text x="${W - m.right + 6}" y="${pyQ(q) + 4}">${q.toFixed(3)}</text>`);
    const c = (maxCount * i) / 4;
    parts.push(
      `<text x="${m.left - 6}" y="${pyCount(c) + 4}" text-anchor="end">${Math.round(c)}</text>`,
    );
  }
  parts.push(
    `<text x="${W / 2}" y="${H - 24}" text-anchor="middle">weight value w (bars: histogram, left axis: count; lines: Q(w), right axis)</text>`,
  );
  stairs.forEach((s, i) => {
    parts.push(
      `<rect x="${m.left + 10}" y="${m.top + 6 + i * 18}" width="14" height="4" fill="${s.color}"/>`,
    );
    parts.push(`<text x="${m.left + 30}" y="${m.top + 12 + i * 18}">${esc(s.label)}</text>`);
  });
  parts.push(
    `<text x="${m.left + 30}" y="${m.top + 12 + stairs.length * 18}" fill="#666">dashed grey: Q(w) = w</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
