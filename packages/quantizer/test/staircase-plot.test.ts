import { expect, it } from 'vitest';
import { createQuantizer, staircasePlot } from '../src/index.js';

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
