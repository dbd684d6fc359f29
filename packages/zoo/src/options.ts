import { PabnnError } from '@pabnn/ir';

export type Scheme = 'float' | 'pa' | 'xnor' | 'abc';
export type InputKind = 'imagenet' | 'mnist' | 'cifar';

export interface ZooOptions {
  /** 'float' (full precision), 'pa' (default for pa_* models), 'xnor', 'abc'. */
  scheme?: Scheme;
  /** M. Default 4 for pa/abc; xnor is always 1. */
  weightBases?: number;
  /** N. Default 5 for pa/abc; xnor is always 1. */
  activationBases?: number;
  /** Binarize the 1x1 downsampling convs (ResNet shortcuts, DenseNet transitions). Default: true for pa and abc, false for xnor (the single-binary convention). */
  binarizeDownsample?: boolean;
  /** Binarize the first conv and the classifier's input conv too. Default false. */
  binarizeFirstLast?: boolean;
  /** MobileNets: which convs are binarized. Default 'pointwise'. */
  mobilenetBinarize?: 'pointwise' | 'depthwise' | 'both';
  /** Input and classes: 'imagenet' 224x224x3 / 1000, 'mnist' 28x28x1 / 10, 'cifar' 32x32x3 / 10. */
  input?: InputKind;
  /** Override the number of classes. */
  numClasses?: number;
  /**
   * 'random' (seeded; PA layers get random bit-planes and coefficients), 'zeros' (fast, for
   * cost analysis), or float weights by tensor name (`<layer>/weight` OHWI, `<bn>/gamma`, ...);
   * supplied float weights of binarized layers are quantized with the scheme's quantizer, and
   * `<layer>/act_thresholds` + `<layer>/act_levels` replace a binarized layer's data-free
   * activation staircase (what @pabnn/train exports).
   */
  weights?: 'random' | 'zeros' | Record<string, Float32Array>;
  seed?: number;
}

export interface ResolvedOptions {
  scheme: Scheme;
  weightBases: number;
  activationBases: number;
  binarizeDownsample: boolean;
  binarizeFirstLast: boolean;
  mobilenetBinarize: 'pointwise' | 'depthwise' | 'both';
  input: InputKind;
  inputShape: [number, number, number];
  numClasses: number;
  weights: 'random' | 'zeros' | Record<string, Float32Array>;
  seed: number;
}

const INPUTS: Record<InputKind, { shape: [number, number, number]; classes: number }> = {
  imagenet: { shape: [224, 224, 3], classes: 1000 },
  mnist: { shape: [28, 28, 1], classes: 10 },
  cifar: { shape: [32, 32, 3], classes: 10 },
};

export function resolveOptions(
  options: ZooOptions,
  defaults: Partial<ZooOptions> = {},
): ResolvedOptions {
  const o = { ...defaults, ...options };
  const scheme = o.scheme ?? 'float';
  if (!['float', 'pa', 'xnor', 'abc'].includes(scheme)) {
    throw new PabnnError('zoo-options', `unknown scheme '${scheme}' (use float, pa, xnor or abc)`);
  }
  const single = scheme === 'xnor';
  const weightBases = single ? 1 : (o.weightBases ?? 4);
  const activationBases = single ? 1 : (o.activationBases ?? 5);
  for (const [name, v] of [
    ['weightBases', weightBases],
    ['activationBases', activationBases],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 16)
      throw new PabnnError('zoo-options', `${name} must be an integer from 1 to 16, got ${v}`);
  }
  if (single && ((o.weightBases ?? 1) !== 1 || (o.activationBases ?? 1) !== 1)) {
    throw new PabnnError(
      'zoo-options',
      'xnor is single-binary: weightBases and activationBases must be 1',
    );
  }
  const input = o.input ?? 'imagenet';
  if (!(input in INPUTS))
    throw new PabnnError('zoo-options', `unknown input '${input}' (use imagenet, mnist or cifar)`);
  return {
    scheme,
    weightBases,
    activationBases,
    binarizeDownsample: o.binarizeDownsample ?? (scheme === 'pa' || scheme === 'abc'),
    binarizeFirstLast: o.binarizeFirstLast ?? false,
    mobilenetBinarize: o.mobilenetBinarize ?? 'pointwise',
    input,
    inputShape: INPUTS[input].shape,
    numClasses: o.numClasses ?? INPUTS[input].classes,
    weights: o.weights ?? 'random',
    seed: o.seed ?? 1,
  };
}
