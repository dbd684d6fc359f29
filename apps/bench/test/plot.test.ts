import { describe, expect, it } from 'vitest';
import { barChart } from '../src/plot/bar-chart.js';
import { scatterChart } from '../src/plot/scatter-chart.js';
import { markdownTable } from '../src/reports.js';

it('writes Markdown tables', () => {
  expect(markdownTable(['a', 'b'], [[1, 'x']])).toBe('| a | b |\n| --- | --- |\n| 1 | x |');
});

describe('barChart', () => {
  const chart = (log: boolean) =>
    barChart({
      title: 'speed <ours>',
      unit: 'x',
      series: ['vs ORT', 'vs TF.js'],
      log,
      reference: { value: 1, label: 'as fast' },
      groups: [
        { label: 'a', values: [2, 0.5] },
        { label: 'b', values: [8, null] },
      ],
    });
  const widths = (svg: string) =>
    [...svg.matchAll(/<rect x="210" y="[\d.]+" width="([\d.]+)" height="11"/g)].map((m) =>
      Number(m[1]),
    );

  it('draws one bar per present value, longer for larger values, escaping text', () => {
    for (const log of [false, true]) {
      const svg = chart(log);
      const w = widths(svg);
      expect(w).toHaveLength(3); // the null value gets no bar
      expect(w[2]).toBeGreaterThan(w[0]);
      expect(w[0]).toBeGreaterThan(w[1]);
      expect(svg).toContain('speed &lt;ours>');
      expect(svg).toContain('stroke-dasharray'); // the reference line
    }
    // on a log axis 8 is as far past 2 as 2 is past 0.5
    const [a, b, c] = widths(chart(true));
    expect(c - a).toBeCloseTo(a - b, 0);
  });
});

describe('scatterChart', () => {
  const svg = scatterChart({
    title: 'top-1 <vs> time',
    xUnit: 'ms',
    yUnit: '%',
    points: [
      { label: 'slow', x: 2, y: 89, series: 'pa' },
      { label: 'fast', x: 0.5, y: 80, series: 'xnor' },
    ],
    xReference: { value: 1, label: 'ORT' },
  });
  const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="5"/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);

  it('places a faster, less accurate point left of and below a slower, better one', () => {
    // two legend markers, then the points in order
    const [slow, fast] = circles.slice(2);
    expect(fast[0]).toBeLessThan(slow[0]);
    expect(fast[1]).toBeGreaterThan(slow[1]); // SVG y grows downwards
    expect(svg).toContain('top-1 &lt;vs> time');
    expect(svg).toMatch(/stroke-dasharray="4 3"/);
  });
});
