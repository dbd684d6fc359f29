import { tensor } from '@pabnn/ir';
import { type ImportContext, onnxNode } from '../import-context.js';
import { onnxWindow } from '../window.js';
import type { PaMatch } from './match.js';

/**
 * Adds the PAConv2D of one matched pattern, named by the pattern's last output; returns it.
 */
export function importPaConv(match: PaMatch, c: ImportContext): string {
  const { conv, staircase: s, weights: w, epilogue: e } = match;
  const n = onnxNode(conv, c);
  const out = e.last.output?.[0] ?? '';
  if (c.nhwc.has(s.x) || (c.rank.get(c.resolve(s.x)) ?? 4) !== 4)
    n.refuse('the staircase must read a 4-D NCHW value');
  const [cout, kh, kw, cin] = w.shape;
  const dilations = n.at.ints('dilations', [1, 1]);
  const win = onnxWindow(n, c, [kh, kw], dilations);
  const groups = n.at.int('group', 1);
  const attrs: Record<string, number | number[] | string> = {
    strides: win.strides,
    padding: win.padding,
    pads: win.pads,
    dilations,
    weightBases: w.bases,
    activationBases: s.bases,
  };
  if (groups !== 1) attrs.groups = groups;
  if (e.activation !== 'none') attrs.activation = e.activation;
  const k = (suffix: string, t: ReturnType<typeof tensor>) => c.constant(`${out}/${suffix}`, t);
  const actShape = (per: number) => (s.channels ? [s.channels, per] : [per]);
  return c.g.node(
    'PAConv2D',
    [
      c.resolve(s.x),
      k('weightBits', tensor('bits', [w.bases, cout, kh, kw, cin], w.bits)),
      k('weightScales', tensor('float32', [cout, w.bases], w.scales)),
      k('weightOffset', tensor('float32', [cout], w.offset)),
      k('actThresholds', tensor('float32', actShape(s.bases), s.thresholds)),
      k('actLevels', tensor('float32', actShape(s.bases + 1), s.levels)),
      e.scale && k('scale', tensor('float32', [cout], e.scale)),
      e.bias && k('bias', tensor('float32', [cout], e.bias)),
    ],
    attrs,
    out,
  );
}
