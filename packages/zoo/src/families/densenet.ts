import type { Graph } from '@pabnn/ir';
import { ModelBuilder } from '../model-builder.js';
import { resolveOptions, type ZooOptions } from '../options.js';

export interface DenseNetConfig {
  /** Layers per dense block. */
  blocks: number[];
  /** Channels each layer adds. Default 32 for ImageNet, 12 for small inputs. */
  growth?: number;
  /** Bottleneck width factor of the 1x1 conv. */
  bnSize?: number;
  /** Channel reduction of the transitions. */
  compression?: number;
}

/**
 * DenseNet-BC (Huang et al. 2017): pre-activation layers BN-ReLU-1x1-BN-ReLU-3x3 whose outputs
 * are concatenated; transitions BN-ReLU-1x1 (the 'downsample' convs) and 2x2 average pooling.
 */
export function densenet(
  model: string,
  config: DenseNetConfig,
  options: ZooOptions,
  defaults: ZooOptions = {},
): Graph {
  const o = resolveOptions(options, defaults);
  const b = new ModelBuilder(model, o);
  const small = o.input !== 'imagenet';
  const growth = config.growth ?? (small ? 12 : 32);
  const bnSize = config.bnSize ?? 4;
  const compression = config.compression ?? 0.5;
  let channels = 2 * growth;
  let x = b.input();
  if (small) {
    x = b.conv(x, {
      name: 'features.conv0',
      cin: o.inputShape[2],
      cout: channels,
      kernel: 3,
      role: 'stem',
    });
  } else {
    x = b.conv(x, {
      name: 'features.conv0',
      cin: 3,
      cout: channels,
      kernel: 7,
      stride: 2,
      padding: 3,
      role: 'stem',
    });
    x = b.act(b.bn(x, channels, 'features.norm0'), 'float');
    x = b.g.maxPool(x, 3, { stride: 2, padding: 1, name: 'features.pool0' });
  }
  config.blocks.forEach((layers, blockIndex) => {
    for (let i = 0; i < layers; i++) {
      const p = `features.denseblock${blockIndex + 1}.denselayer${i + 1}`;
      let y = b.act(b.bn(x, channels, `${p}.norm1`), 'body');
      y = b.conv(y, {
        name: `${p}.conv1`,
        cin: channels,
        cout: bnSize * growth,
        kernel: 1,
        role: 'body',
      });
      y = b.act(b.bn(y, bnSize * growth, `${p}.norm2`), 'body');
      y = b.conv(y, {
        name: `${p}.conv2`,
        cin: bnSize * growth,
        cout: growth,
        kernel: 3,
        role: 'body',
      });
      x = b.g.concat([x, y], { name: `${p}.concat` });
      channels += growth;
    }
    if (blockIndex < config.blocks.length - 1) {
      const p = `features.transition${blockIndex + 1}`;
      const out = Math.floor(channels * compression);
      let y = b.act(b.bn(x, channels, `${p}.norm`), 'downsample');
      y = b.conv(y, {
        name: `${p}.conv`,
        cin: channels,
        cout: out,
        kernel: 1,
        padding: 0,
        role: 'downsample',
      });
      x = b.g.avgPool(y, 2, { stride: 2, name: `${p}.pool` });
      channels = out;
    }
  });
  x = b.act(b.bn(x, channels, 'features.norm5'), 'float');
  return b.build(b.classifier(x, channels));
}
