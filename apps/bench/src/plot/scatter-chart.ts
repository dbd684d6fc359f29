/** One labelled point, e.g. a model at (latency, top-1); points of one series share a colour. */
export interface ScatterPoint {
  label: string;
  x: number;
  y: number;
  series: string;
}

export interface ScatterChart {
  title: string;
  xUnit: string;
  yUnit: string;
  points: ScatterPoint[];
  /** A vertical reference line, e.g. the float model's time in onnxruntime-web. */
  xReference?: { value: number; label: string };
  /** A horizontal reference line, e.g. the float model's top-1. */
  yReference?: { value: number; label: string };
}

const COLORS = ['#1769aa', '#4e9a06', '#c0392b', '#8e44ad', '#d68910', '#117a65', '#7f8c8d'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A scatter plot as a standalone SVG (reports/pareto.svg): linear axes padded around the points
 * and reference lines, one colour per series, each point labelled. A point up and to the left of
 * another is better on both axes (the Pareto report's reading).
 */
export function scatterChart(chart: ScatterChart): string {
  const W = 820;
  const H = 520;
  const m = { left: 70, right: 40, top: 60, bottom: 60 };
  const xs = chart.points.map((p) => p.x);
  const ys = chart.points.map((p) => p.y);
  if (chart.xReference) xs.push(chart.xReference.value);
  if (chart.yReference) ys.push(chart.yReference.value);
  const pad = (lo: number, hi: number) => {
    const d = hi - lo || Math.abs(hi) || 1;
    return [lo - 0.08 * d, hi + 0.08 * d];
  };
  const [x0, x1] = pad(Math.min(0, ...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0)) * (W - m.left - m.right);
  const py = (y: number) => H - m.bottom - ((y - y0) / (y1 - y0)) * (H - m.top - m.bottom);
  const series = [...new Set(chart.points.map((p) => p.series))];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(chart.title)}</text>`,
  ];
  series.forEach((s, i) => {
    const x = m.left + i * 170;
    out.push(
      `<circle cx="${x + 6}" cy="${m.top - 18}" r="5" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${x + 16}" y="${m.top - 14}">${esc(s)}</text>`,
    );
  });
  // axes with five ticks each
  out.push(
    `<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="#333"/>`,
  );
  for (let i = 0; i <= 5; i++) {
    const xv = x0 + ((x1 - x0) * i) / 5;
    const yv = y0 + ((y1 - y0) * i) / 5;
    out.push(
      `<text x="${px(xv).toFixed(1)}" y="${H - m.bottom + 16}" text-anchor="middle" font-size="10">${xv.toFixed(2)}</text>`,
      `<text x="${m.left - 6}" y="${(py(yv) + 3).toFixed(1)}" text-anchor="end" font-size="10">${yv.toFixed(1)}</text>`,
    );
  }
  out.push(
    `<text x="${(W + m.left - m.right) / 2}" y="${H - 16}" text-anchor="middle">${esc(chart.xUnit)}</text>`,
    `<text transform="translate(18 ${(H + m.top - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(chart.yUnit)}</text>`,
  );
  if (chart.xReference) {
    const x = px(chart.xReference.value).toFixed(1);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${m.top}" y2="${H - m.bottom}" stroke="#888" stroke-dasharray="4 3"/>`,
      `<text x="${x}" y="${m.top + 12}" text-anchor="middle" font-size="10" fill="#555">${esc(chart.xReference.label)}</text>`,
    );
  }
  if (chart.yReference) {
    const y = py(chart.yReference.value).toFixed(1);
    out.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${y}" y2="${y}" stroke="#888" stroke-dasharray="4 3"/>`,
      `<text x="${W - m.right}" y="${Number(y) - 4}" text-anchor="end" font-size="10" fill="#555">${esc(chart.yReference.label)}</text>`,
    );
  }
  for (const p of chart.points) {
    const color = COLORS[series.indexOf(p.series) % COLORS.length];
    out.push(
      `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="5" fill="${color}"/>`,
      `<text x="${(px(p.x) + 8).toFixed(1)}" y="${(py(p.y) + 4).toFixed(1)}" font-size="11">${esc(p.label)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
