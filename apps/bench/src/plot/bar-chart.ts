/** One group of bars (a layer, a model) with one bar per series (ours at M,N, a rival). */
export interface BarGroup {
  label: string;
  values: (number | null)[];
}

export interface BarChart {
  title: string;
  /** Axis label, e.g. 'speed-up over onnxruntime-web (x)'. */
  unit: string;
  series: string[];
  groups: BarGroup[];
  /** A vertical reference line, e.g. 1 for 'as fast as the rival' or the float top-1. */
  reference?: { value: number; label: string };
  /** Log scale for ratios that span orders of magnitude. */
  log?: boolean;
}

const COLORS = ['#1769aa', '#4e9a06', '#c0392b', '#8e44ad', '#d68910', '#117a65', '#7f8c8d'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmt = (v: number) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2);

/** A horizontal grouped bar chart as a standalone SVG (reports/*.svg, README). */
export function barChart(chart: BarChart): string {
  const W = 820;
  const bar = 13;
  const m = { left: 210, right: 70, top: 50, bottom: 50 };
  const legend = 22;
  const groupH = chart.series.length * bar + 12;
  const H = m.top + legend + chart.groups.length * groupH + m.bottom;
  const all = chart.groups.flatMap((g) => g.values.filter((v): v is number => v !== null && v > 0));
  if (chart.reference) all.push(chart.reference.value);
  const hi = Math.max(...all) * (chart.log ? 1.5 : 1.08);
  const lo = chart.log ? Math.min(...all) / 1.5 : 0;
  const plotW = W - m.left - m.right;
  const px = (v: number) =>
    m.left +
    (chart.log
      ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
      : (v - lo) / (hi - lo)) *
      plotW;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(chart.title)}</text>`,
  );
  chart.series.forEach((s, i) => {
    const x = m.left + i * 150;
    out.push(
      `<rect x="${x}" y="${m.top - 12}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${x + 16}" y="${m.top - 2}">${esc(s)}</text>`,
    );
  });
  const top = m.top + legend;
  chart.groups.forEach((g, gi) => {
    const y0 = top + gi * groupH;
    out.push(
      `<text x="${m.left - 8}" y="${y0 + (chart.series.length * bar) / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`,
    );
    g.values.forEach((v, si) => {
      if (v === null || !(v > 0)) return;
      const y = y0 + si * bar;
      const x1 = px(Math.max(v, lo));
      out.push(
        `<rect x="${m.left}" y="${y}" width="${Math.max(1, x1 - m.left).toFixed(1)}" height="${bar - 2}" fill="${COLORS[si % COLORS.length]}"/>`,
        `<text x="${(x1 + 4).toFixed(1)}" y="${y + bar - 3}" font-size="10">${fmt(v)}</text>`,
      );
    });
  });
  const bottom = top + chart.groups.length * groupH;
  out.push(
    `<line x1="${m.left}" x2="${W - m.right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`,
  );
  const ticks = chart.log
    ? [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 1000].filter(
        (t) => t >= lo && t <= hi,
      )
    : Array.from({ length: 6 }, (_, i) => lo + ((hi - lo) * i) / 5);
  for (const t of ticks) {
    out.push(
      `<line x1="${px(t)}" x2="${px(t)}" y1="${bottom}" y2="${bottom + 5}" stroke="#333"/>`,
      `<text x="${px(t)}" y="${bottom + 18}" text-anchor="middle" font-size="10">${fmt(t)}</text>`,
    );
  }
  out.push(
    `<text x="${m.left + plotW / 2}" y="${bottom + 38}" text-anchor="middle">${esc(chart.unit)}</text>`,
  );
  if (chart.reference) {
    const x = px(chart.reference.value);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${top - 4}" y2="${bottom}" stroke="#555" stroke-dasharray="4 3"/>`,
      `<text x="${x + 4}" y="${bottom - 4}" font-size="10" fill="#555">${esc(chart.reference.label)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
