/**
 * Weight initializers with Keras 3's names, defaults and formulas.
 *
 * Variance-scaling family (Glorot, He, LeCun): with fan_in and fan_out the
 * input and output sizes of the weight (times the receptive field for
 * convolution kernels), `n` is fan_in, fan_out or their mean, and
 * - uniform: U(−√(3·scale/n), √(3·scale/n));
 * - normal: a normal truncated at two standard deviations whose standard
 *   deviation is √(scale/n) / 0.87962566103423978 before truncation.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { nextSeed } from "./random.ts";
import { normalizeIdentifier } from "./naming.ts";

/** Creates a weight's first value. */
export interface Initializer {
  /** The Keras class name, e.g. `"GlorotUniform"`. */
  readonly className: string;
  /**
   * Creates a tensor of `shape` holding the weight's first value; the caller owns it.
   * @param shape The weight's shape.
   * @param dtype The weight's dtype.
   * @param seed The seed of a random draw when the initializer has no fixed
   *   seed of its own: `addWeight` passes one from the layer's
   *   `seedGenerator`; without it kerno's global generator picks one.
   * @returns A new tensor; the caller owns it.
   */
  apply(shape: number[], dtype?: "float32" | "int32", seed?: number): tf.Tensor;
  /** The constructor's options. @returns The constructor's options. */
  getConfig(): Record<string, unknown>;
}

/** Fan-in and fan-out of a weight of this shape, as Keras computes them. */
export function computeFans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return {
    fanIn: shape[shape.length - 2] * receptive,
    fanOut: shape[shape.length - 1] * receptive,
  };
}

/** Options of {@link VarianceScaling}. */
export interface VarianceScalingOptions {
  /** Multiplier of the variance. @default 1 */
  scale?: number;
  /** Which fan the variance is divided by. @default "fan_in" */
  mode?: "fan_in" | "fan_out" | "fan_avg";
  /** The distribution drawn from. @default "truncated_normal" */
  distribution?: "truncated_normal" | "untruncated_normal" | "uniform";
  /** Fixed seed; when omitted the layer's `seedGenerator` (or kerno's global generator) picks one. */
  seed?: number;
}

/** Keras's VarianceScaling: the base of Glorot, He and LeCun initializers. */
export class VarianceScaling implements Initializer {
  readonly className: string = "VarianceScaling";
  /** Multiplier of the variance. */
  readonly scale: number;
  /** Which fan the variance is divided by. */
  readonly mode: "fan_in" | "fan_out" | "fan_avg";
  /** The distribution drawn from. */
  readonly distribution: "truncated_normal" | "untruncated_normal" | "uniform";
  /** The fixed seed, if any. */
  readonly seed?: number;

  /** Creates the initializer from its scale, mode, distribution and seed. @param options Scale, fan mode and distribution. */
  constructor(options: VarianceScalingOptions = {}) {
    this.scale = options.scale ?? 1;
    this.mode = options.mode ?? "fan_in";
    this.distribution = options.distribution ?? "truncated_normal";
    this.seed = options.seed;
    if (!(this.scale > 0)) {
      throw new RangeError(
        `Cannot create VarianceScaling as "scale" must be positive: received ${this.scale}`,
      );
    }
  }

  /** Draws a tensor of `shape` (with the fixed seed, else `seed`); the caller owns it. */
  apply(shape: number[], dtype: "float32" | "int32" = "float32", seed?: number): tf.Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const n = this.mode === "fan_in"
      ? fanIn
      : this.mode === "fan_out"
      ? fanOut
      : (fanIn + fanOut) / 2;
    const scale = this.scale / Math.max(1, n);
    const s = this.seed ?? seed ?? nextSeed();
    if (this.distribution === "uniform") {
      const limit = Math.sqrt(3 * scale);
      return tf.randomUniform(shape, -limit, limit, dtype, s);
    }
    if (this.distribution === "untruncated_normal") {
      return tf.randomNormal(shape, 0, Math.sqrt(scale), dtype, s);
    }
    return tf.truncatedNormal(shape, 0, Math.sqrt(scale) / 0.87962566103423978, dtype, s);
  }

  /** The constructor's options. */
  getConfig(): Record<string, unknown> {
    return {
      scale: this.scale,
      mode: this.mode,
      distribution: this.distribution,
      seed: this.seed ?? null,
    };
  }
}

/** Constant-valued initializer (zeros, ones, constant). */
export class Constant implements Initializer {
  readonly className: string = "Constant";
  /** The value of every element. */
  readonly value: number;
  /** Creates the initializer; every element will equal `value`. @param value The value of every element. @default 0 */
  constructor(value = 0) {
    this.value = value;
  }
  /** Fills a tensor of `shape`; the caller owns it. */
  apply(shape: number[], dtype: "float32" | "int32" = "float32"): tf.Tensor {
    return tf.fill(shape, this.value, dtype);
  }
  /** The constructor's options. */
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

/** Options of the plain random initializers. */
export interface RandomOptions {
  /** Mean of the normal distributions. @default 0 */
  mean?: number;
  /** Standard deviation of the normal distributions. @default 0.05 */
  stddev?: number;
  /** Lower bound of the uniform distribution. @default -0.05 */
  minval?: number;
  /** Upper bound of the uniform distribution. @default 0.05 */
  maxval?: number;
  /** Fixed seed; when omitted the layer's `seedGenerator` (or kerno's global generator) picks one. */
  seed?: number;
}

/** Normal, truncated-normal or uniform draws with fixed parameters. */
export class RandomInitializer implements Initializer {
  readonly className: string;
  /** The distribution's parameters. */
  readonly options: RandomOptions;
  /**
   * Creates the initializer for one distribution and its parameters.
   * @param kind Which distribution.
   * @param options Its parameters.
   */
  constructor(
    kind: "RandomNormal" | "TruncatedNormal" | "RandomUniform",
    options: RandomOptions = {},
  ) {
    this.className = kind;
    this.options = options;
  }
  /** Draws a tensor of `shape` (with the fixed seed, else `seed`); the caller owns it. */
  apply(shape: number[], dtype: "float32" | "int32" = "float32", seed?: number): tf.Tensor {
    const o = this.options;
    const s = o.seed ?? seed ?? nextSeed();
    if (this.className === "RandomUniform") {
      return tf.randomUniform(shape, o.minval ?? -0.05, o.maxval ?? 0.05, dtype, s);
    }
    const fn = this.className === "RandomNormal" ? tf.randomNormal : tf.truncatedNormal;
    return fn(shape, o.mean ?? 0, o.stddev ?? 0.05, dtype as "float32", s);
  }
  /** The constructor's options. */
  getConfig(): Record<string, unknown> {
    return { ...this.options };
  }
}

const FACTORIES: Record<string, () => Initializer> = {
  glorotuniform: () =>
    new NamedVS("GlorotUniform", { scale: 1, mode: "fan_avg", distribution: "uniform" }),
  glorotnormal: () => new NamedVS("GlorotNormal", { scale: 1, mode: "fan_avg" }),
  heuniform: () => new NamedVS("HeUniform", { scale: 2, mode: "fan_in", distribution: "uniform" }),
  henormal: () => new NamedVS("HeNormal", { scale: 2, mode: "fan_in" }),
  lecununiform: () =>
    new NamedVS("LecunUniform", { scale: 1, mode: "fan_in", distribution: "uniform" }),
  lecunnormal: () => new NamedVS("LecunNormal", { scale: 1, mode: "fan_in" }),
  randomnormal: () => new RandomInitializer("RandomNormal"),
  randomuniform: () => new RandomInitializer("RandomUniform"),
  truncatednormal: () => new RandomInitializer("TruncatedNormal"),
  zeros: () => new NamedConstant("Zeros", 0),
  ones: () => new NamedConstant("Ones", 1),
  constant: () => new Constant(0),
  variancescaling: () => new VarianceScaling(),
};

class NamedVS extends VarianceScaling {
  override readonly className: string;
  constructor(className: string, options: VarianceScalingOptions) {
    super(options);
    this.className = className;
  }
}

class NamedConstant extends Constant {
  override readonly className: string;
  constructor(className: string, value: number) {
    super(value);
    this.className = className;
  }
}

/** Anything accepted as an initializer: a Keras name or an instance. */
export type InitializerLike = string | Initializer;

/**
 * Looks up an initializer by Keras name (snake_case, camelCase or class
 * name, case-insensitive) or passes an instance through.
 *
 * @param identifier `"glorot_uniform"`, `"HeNormal"`, `"zeros"`, … or an instance.
 * @returns The initializer.
 * @example
 * ```ts
 * import { getInitializer } from "./initializers.ts";
 * const init = getInitializer("he_normal");
 * ```
 */
export function getInitializer(identifier: InitializerLike): Initializer {
  if (typeof identifier !== "string") return identifier;
  const make = FACTORIES[normalizeIdentifier(identifier)];
  if (!make) {
    throw new TypeError(
      `Cannot use initializer "${identifier}" as it is unknown: expected one of glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal, lecun_uniform, random_normal, random_uniform, truncated_normal, zeros, ones, constant, or an Initializer`,
    );
  }
  return make();
}
