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
  /**
   * Per-layer (M, N): each binarized conv named here gets its own bases instead of
   * weightBases / activationBases (docs/PA-METHOD.md, Per-layer bases). A PA layer's cost is
   * M x N binary convs, so layers that lose little with few bases can be given few. Names must be
   * binarized convs of the model (`createModel` refuses others); pa and abc only.
   */
  layerBases?: Record<string, LayerBases>;
  /**
   * Convs kept in float although the scheme would binarize them, by name (ResNets). The
   * per-layer choice beyond (M, N): on a layer where even few bases cost more than the float
   * conv (ResNet-8's 16-channel 28x28 convs on wasm, reports/main.md), float is both faster and
   * exact. Such a conv gets the float net's ReLU in front of it again. docs/PA-METHOD.md,
   * Per-layer bases.
   */
  floatConvs?: string[];
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

/** One layer's (M, N). */
export interface LayerBases {
  weightBases: number;
  activationBases: number;
}

export interface ResolvedOptions {
  scheme: Scheme;
  weightBases: number;
  activationBases: number;
  /** Per-layer overrides of (weightBases, activationBases), by conv name ({} when none). */
  layerBases: Record<string, LayerBases>;
  /** Convs kept float by name ([] when none). */
  floatConvs: string[];
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

function checkBases(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 16)
    throw new PabnnError('zoo-options', `${name} must be an integer from 1 to 16, got ${v}`);
  return v as number;
}

function resolveLayerBases(
  layerBases: Record<string, LayerBases>,
  scheme: Scheme,
): Record<string, LayerBases> {
  if (typeof layerBases !== 'object' || layerBases === null || Array.isArray(layerBases))
    throw new PabnnError('zoo-options', 'layerBases must be an object keyed by layer name');
  const names = Object.keys(layerBases);
  if (names.length > 0 && scheme !== 'pa' && scheme !== 'abc') {
    throw new PabnnError(
      'zoo-options',
      `layerBases needs scheme pa or abc (got '${scheme}'; xnor is single-binary, float has no bases)`,
    );
  }
  const out: Record<string, LayerBases> = {};
  for (const name of names) {
    const b = layerBases[name] as Partial<LayerBases> | undefined;
    out[name] = {
      weightBases: checkBases(`layerBases['${name}'].weightBases`, b?.weightBases),
      activationBases: checkBases(`layerBases['${name}'].activationBases`, b?.activationBases),
    };
  }
  return out;
}

function resolveFloatConvs(
  floatConvs: unknown,
  scheme: Scheme,
  layerBases: Record<string, LayerBases>,
): string[] {
  if (floatConvs === undefined) return [];
  if (!Array.isArray(floatConvs) || floatConvs.some((n) => typeof n !== 'string'))
    throw new PabnnError('zoo-options', 'floatConvs must be an array of conv names');
  if (floatConvs.length > 0 && scheme === 'float')
    throw new PabnnError(
      'zoo-options',
      'floatConvs needs a binarized scheme (every conv of float is float)',
    );
  const both = floatConvs.filter((n) => n in layerBases);
  if (both.length > 0) {
    throw new PabnnError(
      'zoo-options',
      `${both.map((n) => `'${n}'`).join(', ')} in both floatConvs and layerBases: a conv is float or has bases`,
    );
  }
  return [...new Set(floatConvs as string[])];
}

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
  checkBases('weightBases', weightBases);
  checkBases('activationBases', activationBases);
  if (single && ((o.weightBases ?? 1) !== 1 || (o.activationBases ?? 1) !== 1)) {
    throw new PabnnError(
      'zoo-options',
      'xnor is single-binary: weightBases and activationBases must be 1',
    );
  }
  const layerBases = resolveLayerBases(o.layerBases ?? {}, scheme);
  const input = o.input ?? 'imagenet';
  if (!(input in INPUTS))
    throw new PabnnError('zoo-options', `unknown input '${input}' (use imagenet, mnist or cifar)`);
  return {
    scheme,
    weightBases,
    activationBases,
    layerBases,
    floatConvs: resolveFloatConvs(o.floatConvs, scheme, layerBases),
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
