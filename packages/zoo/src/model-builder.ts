import {
  type Graph,
  GraphBuilder,
  PabnnError,
  packedWords,
  seededRandom,
  type Tensor,
  tensor,
} from '@pabnn/ir';
import { calibrateFromBatchNorm, type QuantizerConfig, quantizeWeights } from '@pabnn/quantizer';
import type { ResolvedOptions } from './options.js';

/** Where a conv sits decides whether a scheme binarizes it. */
export type ConvRole = 'stem' | 'body' | 'downsample' | 'pointwise' | 'depthwise';

export interface ConvSpec {
  name: string;
  cin: number;
  cout: number;
  kernel: number;
  stride?: number;
  /** Symmetric zero padding; default kernel >> 1. */
  padding?: number;
  groups?: number;
  role: ConvRole;
  /**
   * A residual shortcut conv: it reads the block's input as the main path's conv sees it (no
   * ReLU of its own), binarized or float alike, so `floatConvs` may keep it float.
   */
  shortcut?: boolean;
}

/** A conv by name and role: what `act` needs to know whether its reader stays float. */
export interface ConvRef {
  name: string;
  role: ConvRole;
}

/**
 * The layers every family is made of, emitting float or binarized IR according to the
 * options: `conv` is a Conv2D or a PAConv2D, `act` is the ReLU of a float net, which a
 * binarized conv replaces by its own binarization (as in XNOR-Net and Bi-Real Net).
 */
export class ModelBuilder {
  readonly g: GraphBuilder;
  private readonly random: () => number;
  private readonly calibrations = new Map<string, { thresholds: Tensor; levels: Tensor }>();
  /** Binarized convs built so far: every layerBases name must be one of them (build). */
  private readonly binarizedConvs = new Set<string>();
  /** Convs `act` was told about by name: the only ones `floatConvs` may name (build). */
  private readonly namedReaders = new Set<string>();
  /** Convs kept float by `floatConvs` so far (build checks every name was one). */
  private readonly keptFloat = new Set<string>();
  /** Shortcut convs built so far (ConvSpec.shortcut). */
  private readonly shortcuts = new Set<string>();

  constructor(
    readonly model: string,
    readonly o: ResolvedOptions,
  ) {
    this.g = new GraphBuilder(model, {
      zoo: {
        model,
        options: { ...o, weights: typeof o.weights === 'string' ? o.weights : 'supplied' },
      },
    });
    this.random = seededRandom(o.seed);
  }

  input(): string {
    return this.g.input('image', 'float32', [-1, ...this.o.inputShape]);
  }

  /** Whether the scheme binarizes a conv of this role (and, given its name, not kept float). */
  binarized(role: ConvRole, name?: string): boolean {
    const o = this.o;
    if (o.scheme === 'float') return false;
    return this.byRole(role) && !(name !== undefined && o.floatConvs.includes(name));
  }

  private byRole(role: ConvRole): boolean {
    const o = this.o;
    switch (role) {
      case 'stem':
        return o.binarizeFirstLast;
      case 'downsample':
        return o.binarizeDownsample;
      case 'pointwise':
        return o.mobilenetBinarize !== 'depthwise';
      case 'depthwise':
        return o.mobilenetBinarize !== 'pointwise';
      default:
        return true;
    }
  }

  /** Float weights: supplied by name, He-uniform random, or zeros. */
  private floats(name: string, shape: number[], fanIn: number, fill?: number): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const w = this.o.weights;
    if (typeof w === 'object') {
      const supplied = w[name];
      if (supplied) {
        if (supplied.length !== n)
          throw new PabnnError(
            'zoo-weights',
            `weight '${name}' must have ${n} values (shape [${shape.join(', ')}]), got ${supplied.length}`,
          );
        return tensor('float32', shape, supplied);
      }
    }
    if (fill !== undefined) return tensor('float32', shape, new Float32Array(n).fill(fill));
    if (w === 'zeros') return tensor('float32', shape);
    const bound = Math.sqrt(6 / fanIn);
    return tensor(
      'float32',
      shape,
      Float32Array.from({ length: n }, () => (this.random() * 2 - 1) * bound),
    );
  }

  private quantizer(bases: number): QuantizerConfig {
    const { scheme } = this.o;
    return scheme === 'xnor'
      ? { name: 'xnor', bases: 1 }
      : scheme === 'abc'
        ? { name: 'abc', bases }
        : { name: 'pa', bases };
  }

  /** A binarized conv's (M, N): its layerBases entry, else the model's. */
  basesOf(name: string): { m: number; n: number } {
    const own = this.o.layerBases[name];
    return {
      m: own?.weightBases ?? this.o.weightBases,
      n: own?.activationBases ?? this.o.activationBases,
    };
  }

  /** Data-free activation staircase of a BN output N(0, 1) (the same for every layer of N bases). */
  private activationStaircase(n: number) {
    const key = `${this.o.scheme}/${n}`;
    let cal = this.calibrations.get(key);
    if (!cal) {
      cal = calibrateFromBatchNorm({ gamma: [1], beta: [0] }, this.quantizer(n), {
        points: 4096,
      });
      this.calibrations.set(key, cal);
    }
    return cal;
  }

  /**
   * A trained or calibrated activation staircase supplied as `<layer>/act_thresholds` and
   * `<layer>/act_levels` ([N] and [N + 1] per layer, or [C, N] and [C, N + 1] per channel).
   */
  private suppliedStaircase(name: string, channels: number) {
    const w = this.o.weights;
    if (typeof w !== 'object') return undefined;
    const thresholds = w[`${name}/act_thresholds`];
    const levels = w[`${name}/act_levels`];
    if (!thresholds && !levels) return undefined;
    const { n } = this.basesOf(name);
    const perChannel = thresholds?.length === channels * n;
    if (
      !thresholds ||
      !levels ||
      !(thresholds.length === n || perChannel) ||
      levels.length !== (perChannel ? channels * (n + 1) : n + 1)
    ) {
      throw new PabnnError(
        'zoo-weights',
        `activation staircase of '${name}' needs ${n} thresholds and ${n + 1} levels (per layer, or per each of ${channels} channels)`,
      );
    }
    return {
      thresholds: tensor('float32', perChannel ? [channels, n] : [n], thresholds),
      levels: tensor('float32', perChannel ? [channels, n + 1] : [n + 1], levels),
    };
  }

  /** PAConv2D parameters: quantized supplied weights, or random / zero bit-planes. */
  private binaryWeights(name: string, shape: number[]) {
    const { m } = this.basesOf(name);
    const [cout, kh, kw, cinG] = shape;
    const supplied =
      typeof this.o.weights === 'object' ? this.o.weights[`${name}/weight`] : undefined;
    if (supplied) {
      const q = quantizeWeights(
        this.floats(`${name}/weight`, shape, 1).data,
        shape,
        this.quantizer(m),
      );
      return { bits: q.bits, scales: q.scales, offset: q.offset };
    }
    const words = packedWords(cinG);
    const bits = new Uint32Array(m * cout * kh * kw * words);
    const scales = new Float32Array(cout * m);
    if (this.o.weights === 'random') {
      const tailMask = cinG % 32 === 0 ? 0xffffffff : (1 << (cinG % 32)) - 1; // padding bits stay 0
      for (let i = 0; i < bits.length; i++) {
        const word = (this.random() * 2 ** 32) >>> 0;
        bits[i] = i % words === words - 1 ? word & tailMask : word;
      }
      const scale = Math.sqrt(2 / (kh * kw * cinG));
      for (let i = 0; i < scales.length; i++) scales[i] = scale / 2 ** (i % m);
    }
    return {
      bits: tensor('bits', [m, ...shape], bits),
      scales: tensor('float32', [cout, m], scales),
      offset: tensor('float32', [cout]),
    };
  }

  conv(x: string, spec: ConvSpec): string {
    const { name, cin, cout, kernel } = spec;
    const groups = spec.groups ?? 1;
    const pad = spec.padding ?? kernel >> 1;
    const shape = [cout, kernel, kernel, cin / groups];
    const opts = {
      name,
      stride: spec.stride ?? 1,
      padding: pad,
      groups: groups === 1 ? undefined : groups,
    };
    if (spec.shortcut) this.shortcuts.add(name);
    if (!this.binarized(spec.role, name)) {
      if (this.o.floatConvs.includes(name) && this.byRole(spec.role)) this.keptFloat.add(name);
      const w = this.g.constant(
        this.floats(`${name}/weight`, shape, kernel * kernel * (cin / groups)),
        `${name}/weight`,
      );
      return this.g.conv2d(x, w, opts);
    }
    const q = this.binaryWeights(name, shape);
    const { m, n } = this.basesOf(name);
    this.binarizedConvs.add(name);
    const act = this.suppliedStaircase(name, cin) ?? this.activationStaircase(n);
    const c = (suffix: string, t: Tensor) => this.g.constant(t, `${name}/${suffix}`);
    return this.g.paConv2d(
      x,
      {
        weightBits: c('weight_bits', q.bits),
        weightScales: c('weight_scales', q.scales),
        weightOffset: c('weight_offset', q.offset),
        actThresholds: c('act_thresholds', act.thresholds),
        actLevels: c('act_levels', act.levels),
      },
      { ...opts, weightBases: m, activationBases: n },
    );
  }

  bn(x: string, channels: number, name: string): string {
    // random BN statistics near identity, so binarized layers see no exact ties at thresholds
    const p = (what: string, center: number) => {
      const random = this.o.weights === 'random';
      const t = random
        ? tensor(
            'float32',
            [channels],
            Float32Array.from({ length: channels }, () => center + (this.random() - 0.5) * 0.2),
          )
        : this.floats(`${name}/${what}`, [channels], 1, center);
      return this.g.constant(
        typeof this.o.weights === 'object'
          ? this.floats(`${name}/${what}`, [channels], 1, center)
          : t,
        `${name}/${what}`,
      );
    };
    return this.g.batchNorm(
      x,
      { gamma: p('gamma', 1), beta: p('beta', 0), mean: p('mean', 0), variance: p('variance', 1) },
      { name },
    );
  }

  /**
   * The nonlinearity before the conv that reads `x` (its role, or its name and role where
   * `floatConvs` may keep it float; 'float' for the classifier): ReLU (or ReLU6) before a float
   * layer; nothing before a binarized conv, whose activation bases already are the nonlinearity.
   */
  act(x: string, next: ConvRole | ConvRef | 'float', relu6 = false): string {
    if (typeof next === 'object') this.namedReaders.add(next.name);
    const binarized =
      next !== 'float' &&
      (typeof next === 'object' ? this.binarized(next.role, next.name) : this.binarized(next));
    if (binarized) return x;
    return relu6 ? this.g.clip(x, 0, 6) : this.g.relu(x);
  }

  classifier(x: string, features: number): string {
    const pooled = this.g.globalAvgPool(x, { name: 'pool' });
    const w = this.g.constant(
      this.floats('fc/weight', [this.o.numClasses, features], features),
      'fc/weight',
    );
    const b = this.g.constant(this.floats('fc/bias', [this.o.numClasses], features, 0), 'fc/bias');
    return this.g.dense(pooled, w, { bias: b, name: 'fc' });
  }

  build(output: string): Graph {
    const unknown = Object.keys(this.o.layerBases).filter((l) => !this.binarizedConvs.has(l));
    if (unknown.length > 0) {
      throw new PabnnError(
        'zoo-options',
        `layerBases names ${unknown.map((l) => `'${l}'`).join(', ')}, not a binarized conv of ${this.model} (binarized: ${[...this.binarizedConvs].join(', ')})`,
      );
    }
    const floatUnknown = this.o.floatConvs.filter(
      (l) => !this.keptFloat.has(l) || (!this.namedReaders.has(l) && !this.shortcuts.has(l)),
    );
    if (floatUnknown.length > 0) {
      throw new PabnnError(
        'zoo-options',
        `floatConvs names ${floatUnknown.map((l) => `'${l}'`).join(', ')}: not a conv ${this.model} binarizes, or one whose ReLU the family cannot restore (ResNet convs only)`,
      );
    }
    this.g.output(output);
    return this.g.build();
  }
}
