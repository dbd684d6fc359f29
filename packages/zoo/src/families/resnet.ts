import type { Graph } from '@pabnn/ir';
import { ModelBuilder } from '../model-builder.js';
import { resolveOptions, type ZooOptions } from '../options.js';

export interface ResNetConfig {
  block: 'basic' | 'bottleneck';
  /** Blocks per stage. */
  depths: number[];
  /** Channels of the first stage (doubling per stage). Default 64 for ImageNet, 16 for small inputs. */
  width?: number;
}

/**
 * ResNet (He et al. 2016), torchvision layer names. ImageNet: 7x7/2 stem and 3x3/2 max pool;
 * small inputs (28x28, 32x32): a 3x3/1 stem and no pool. Shortcuts with a stride or a
 * channel change use a 1x1 conv + BN, the 'downsample' convs the schemes treat specially.
 */
export function resnet(
  model: string,
  config: ResNetConfig,
  options: ZooOptions,
  defaults: ZooOptions = {},
): Graph {
  const o = resolveOptions(options, defaults);
  const b = new ModelBuilder(model, o);
  const small = o.input !== 'imagenet';
  const width = config.width ?? (small ? 16 : 64);
  const expansion = config.block === 'bottleneck' ? 4 : 1;
  // the conv that reads a block's input on the main path: the ReLU in front of it is dropped
  // when it is binarized and kept when it is float (by role or by floatConvs)
  const firstConvOf = (s: number, i: number) => ({
    name: `layer${s + 1}.${i}.conv1`,
    role: 'body' as const,
  });
  let x = b.input();
  if (small) {
    x = b.bn(
      b.conv(x, { name: 'conv1', cin: o.inputShape[2], cout: width, kernel: 3, role: 'stem' }),
      width,
      'bn1',
    );
    x = b.act(x, firstConvOf(0, 0));
  } else {
    x = b.bn(
      b.conv(x, {
        name: 'conv1',
        cin: 3,
        cout: width,
        kernel: 7,
        stride: 2,
        padding: 3,
        role: 'stem',
      }),
      width,
      'bn1',
    );
    x = b.g.maxPool(b.act(x, firstConvOf(0, 0)), 3, { stride: 2, padding: 1, name: 'maxpool' });
  }
  let channels = width;
  config.depths.forEach((depth, s) => {
    const planes = width * 2 ** s;
    for (let i = 0; i < depth; i++) {
      const p = `layer${s + 1}.${i}`;
      const stride = s > 0 && i === 0 ? 2 : 1;
      const last = s === config.depths.length - 1 && i === depth - 1;
      let y: string;
      if (config.block === 'basic') {
        y = b.bn(
          b.conv(x, {
            name: `${p}.conv1`,
            cin: channels,
            cout: planes,
            kernel: 3,
            stride,
            role: 'body',
          }),
          planes,
          `${p}.bn1`,
        );
        y = b.bn(
          b.conv(b.act(y, { name: `${p}.conv2`, role: 'body' }), {
            name: `${p}.conv2`,
            cin: planes,
            cout: planes,
            kernel: 3,
            role: 'body',
          }),
          planes,
          `${p}.bn2`,
        );
      } else {
        y = b.bn(
          b.conv(x, { name: `${p}.conv1`, cin: channels, cout: planes, kernel: 1, role: 'body' }),
          planes,
          `${p}.bn1`,
        );
        y = b.bn(
          b.conv(b.act(y, { name: `${p}.conv2`, role: 'body' }), {
            name: `${p}.conv2`,
            cin: planes,
            cout: planes,
            kernel: 3,
            stride,
            role: 'body',
          }),
          planes,
          `${p}.bn2`,
        );
        y = b.bn(
          b.conv(b.act(y, { name: `${p}.conv3`, role: 'body' }), {
            name: `${p}.conv3`,
            cin: planes,
            cout: planes * 4,
            kernel: 1,
            role: 'body',
          }),
          planes * 4,
          `${p}.bn3`,
        );
      }
      const out = planes * expansion;
      let shortcut = x;
      if (stride !== 1 || channels !== out) {
        const d = b.conv(x, {
          name: `${p}.downsample.0`,
          cin: channels,
          cout: out,
          kernel: 1,
          stride,
          padding: 0,
          role: 'downsample',
          shortcut: true,
        });
        shortcut = b.bn(d, out, `${p}.downsample.1`);
      }
      const next = i + 1 < depth ? firstConvOf(s, i + 1) : firstConvOf(s + 1, 0);
      x = b.act(b.g.add(y, shortcut, `${p}.add`), last ? 'float' : next);
      channels = out;
    }
  });
  return b.build(b.classifier(x, channels));
}
