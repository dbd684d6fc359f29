import type { Graph } from '@pabnn/ir';
import { ModelBuilder } from '../model-builder.js';
import { resolveOptions, type ZooOptions } from '../options.js';

/** Stem stride: 2 on ImageNet, 1 on small inputs (which then keep more resolution). */
const stemStride = (input: string) => (input === 'imagenet' ? 2 : 1);

/** MobileNet-V1 (Howard et al. 2017): 13 depthwise-separable blocks (3x3 depthwise + 1x1 pointwise). */
export function mobilenetV1(model: string, options: ZooOptions, defaults: ZooOptions = {}): Graph {
  const o = resolveOptions(options, defaults);
  const b = new ModelBuilder(model, o);
  const plan: [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  let c = 32;
  let x = b.bn(
    b.conv(b.input(), {
      name: 'conv0',
      cin: o.inputShape[2],
      cout: c,
      kernel: 3,
      stride: stemStride(o.input),
      role: 'stem',
    }),
    c,
    'bn0',
  );
  plan.forEach(([out, stride], i) => {
    const p = `blocks.${i}`;
    x = b.act(x, 'depthwise');
    x = b.bn(
      b.conv(x, {
        name: `${p}.dw`,
        cin: c,
        cout: c,
        kernel: 3,
        stride,
        groups: c,
        role: 'depthwise',
      }),
      c,
      `${p}.bn_dw`,
    );
    x = b.act(x, 'pointwise');
    x = b.bn(
      b.conv(x, { name: `${p}.pw`, cin: c, cout: out, kernel: 1, role: 'pointwise' }),
      out,
      `${p}.bn_pw`,
    );
    c = out;
  });
  return b.build(b.classifier(b.act(x, 'float'), c));
}

/** MobileNet-V2 (Sandler et al. 2018): inverted residual blocks with linear bottlenecks, ReLU6. */
export function mobilenetV2(model: string, options: ZooOptions, defaults: ZooOptions = {}): Graph {
  const o = resolveOptions(options, defaults);
  const b = new ModelBuilder(model, o);
  // expansion t, output channels c, repeats n, first stride s
  const plan: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  let c = 32;
  let x = b.bn(
    b.conv(b.input(), {
      name: 'features.0',
      cin: o.inputShape[2],
      cout: c,
      kernel: 3,
      stride: stemStride(o.input),
      role: 'stem',
    }),
    c,
    'features.0.bn',
  );
  let index = 1;
  for (const [t, out, n, s] of plan) {
    for (let i = 0; i < n; i++) {
      const p = `features.${index++}`;
      const stride = i === 0 ? s : 1;
      const hidden = c * t;
      let y = x;
      if (t !== 1) {
        y = b.act(y, 'pointwise', true);
        y = b.bn(
          b.conv(y, { name: `${p}.expand`, cin: c, cout: hidden, kernel: 1, role: 'pointwise' }),
          hidden,
          `${p}.expand_bn`,
        );
        y = b.act(y, 'depthwise', true);
      } else {
        y = b.act(y, 'depthwise', true);
      }
      y = b.bn(
        b.conv(y, {
          name: `${p}.dw`,
          cin: hidden,
          cout: hidden,
          kernel: 3,
          stride,
          groups: hidden,
          role: 'depthwise',
        }),
        hidden,
        `${p}.dw_bn`,
      );
      y = b.act(y, 'pointwise', true);
      y = b.bn(
        b.conv(y, { name: `${p}.project`, cin: hidden, cout: out, kernel: 1, role: 'pointwise' }),
        out,
        `${p}.project_bn`,
      );
      x = stride === 1 && c === out ? b.g.add(x, y, `${p}.add`) : y;
      c = out;
    }
  }
  x = b.act(x, 'pointwise', true);
  x = b.bn(
    b.conv(x, { name: 'features.18', cin: c, cout: 1280, kernel: 1, role: 'pointwise' }),
    1280,
    'features.18.bn',
  );
  return b.build(b.classifier(b.act(x, 'float', true), 1280));
}
