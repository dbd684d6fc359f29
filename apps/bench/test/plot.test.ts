import { createQuantizer } from '@pabnn/quantizer';
import { expect, it } from 'vitest';
import { staircasePlot } from '../src/plot/staircase-plot.js';
import { markdownTable } from '../src/reports.js';

it('draws a histogram with one step path per staircase', () => {
  const values = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i * 12.9898) * 0.05);
  const svg = staircasePlot(
    values,
    [
      {
        label: 'PA <M=2>',
        color: 'red',
        staircase: createQuantizer({ name: 'pa', bases: 2 }).fit(values),
      },
      {
        label: 'ABC',
        color: 'blue',
        staircase: createQuantizer({ name: 'abc', bases: 2 }).fit(values),
      },
    ],
    'test',
  );
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.match(/<path /g)).toHaveLength(2);
  expect(svg).toContain('PA &lt;M=2>');
  expect(svg).not.toContain('NaN');
});

it('writes Markdown tables', () => {
  expect(markdownTable(['a', 'b'], [[1, 'x']])).toBe('| a | b |\n| --- | --- |\n| 1 | x |');
});
