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
 * `serialize`/`deserialize` convert to and from Keras's
 * `{ className, config }` form, which `getInitializer` (and so every option
 * that takes an initializer) accepts too.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { nextSeed } from "./random.ts";
import { normalizeIdentifier } from "./naming.ts";
import { FINITE, number, oneOf, optionalSeed, reject } from "./validate.ts";

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
  /** The JSON form (so layer configs holding it survive `JSON.stringify`). @returns `serialize(this)`. */
  toJSON(): InitializerConfig {
    return serialize(this);
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
  /** The JSON form (so layer configs holding it survive `JSON.stringify`). @returns `serialize(this)`. */
  toJSON(): InitializerConfig {
    return serialize(this);
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
  /** The JSON form (so layer configs holding it survive `JSON.stringify`). @returns `serialize(this)`. */
  toJSON(): InitializerConfig {
    return serialize(this);
  }
}

/** Options of {@link Orthogonal}. */
export interface OrthogonalOptions {
  /** Multiplier of the orthogonal matrix. @default 1 */
  gain?: number;
  /** Fixed seed; when omitted the layer's `seedGenerator` (or kerno's global generator) picks one. */
  seed?: number;
}

/**
 * Keras's Orthogonal: a random orthogonal matrix (times `gain`), the
 * default of recurrent kernels. A weight of shape `[..., cols]` is seen as
 * a matrix of `rows` (the product of the other axes) by `cols`; a normal
 * matrix of `max(rows, cols)` by `min(rows, cols)` is factored `Q·R`, `Q`'s
 * columns are multiplied by the signs of `R`'s diagonal (so the draw is
 * uniform over orthogonal matrices), and `Q` (transposed when `rows <
 * cols`) is the value: its rows, or its columns, are orthonormal.
 *
 * @example
 * ```ts
 * import { Orthogonal } from "./initializers.ts";
 * const q = new Orthogonal({ seed: 1 }).apply([3, 3]); // q · qᵀ = I
 * q.dispose();
 * ```
 */
export class Orthogonal implements Initializer {
  readonly className: string = "Orthogonal";
  /** Multiplier of the orthogonal matrix. */
  readonly gain: number;
  /** The fixed seed, if any. */
  readonly seed?: number;

  /** Creates the initializer from its gain and seed. @param options Gain and seed. */
  constructor(options: OrthogonalOptions = {}) {
    this.gain = number("create Orthogonal", "gain", options.gain, FINITE, 1);
    this.seed = optionalSeed("create Orthogonal", "seed", options.seed);
  }

  /** Draws an orthogonal matrix of `shape` (rank 2 or more); the caller owns it. */
  apply(shape: number[], dtype: "float32" | "int32" = "float32", seed?: number): tf.Tensor {
    if (shape.length < 2) {
      throw new RangeError(
        `Cannot apply Orthogonal as the shape must have rank 2 or more: received [${shape}]`,
      );
    }
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const [m, n] = [Math.max(rows, cols), Math.min(rows, cols)];
    const s = this.seed ?? seed ?? nextSeed();
    const normal = tf.tidy(() => tf.randomNormal([m, n], 0, 1, "float32", s).dataSync());
    const q = orthonormalColumns(Float64Array.from(normal), m, n);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        // Q is m×n; the weight is Q itself (rows >= cols) or Qᵀ.
        const v = this.gain * q[i * n + j];
        if (rows >= cols) out[i * cols + j] = v;
        else out[j * cols + i] = v;
      }
    }
    return tf.tidy(() => tf.cast(tf.tensor(out, shape), dtype));
  }

  /** The constructor's options. */
  getConfig(): Record<string, unknown> {
    return { gain: this.gain, seed: this.seed ?? null };
  }
  /** The JSON form (so layer configs holding it survive `JSON.stringify`). @returns `serialize(this)`. */
  toJSON(): InitializerConfig {
    return serialize(this);
  }
}

/**
 * The `Q` of `A = Q·R` with `R`'s diagonal positive, for `A` of `m` by `n`
 * (`m >= n`, row-major), by modified Gram–Schmidt with a second pass (in
 * double precision): the sign-corrected `Q` of Keras's Orthogonal.
 */
function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const q = Float64Array.from(a);
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i * n + k] * q[i * n + j];
        for (let i = 0; i < m; i++) q[i * n + j] -= dot * q[i * n + k];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[i * n + j] /= norm;
  }
  return q;
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
  orthogonal: () => new Orthogonal(),
};

class NamedVS extends VarianceScaling {
  override readonly className: string;
  constructor(className: string, options: VarianceScalingOptions) {
    super(options);
    this.className = className;
  }
  /** Keras's config of GlorotUniform and its kin: the seed only. */
  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

class NamedConstant extends Constant {
  override readonly className: string;
  constructor(className: string, value: number) {
    super(value);
    this.className = className;
  }
  /** Keras's config of Zeros and Ones: empty. */
  override getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Keras's serialized form of an initializer (`class_name` is accepted for `className`). */
export interface InitializerConfig {
  /** The Keras class name, e.g. `"GlorotUniform"` (snake_case is accepted too). */
  className: string;
  /** The constructor's options, e.g. `{ seed: 1 }` or `{ mean: 0, stddev: 0.1 }`. */
  config?: Record<string, unknown>;
}

/** Keras's own spelling of {@linkcode InitializerConfig}. */
export interface KerasInitializerConfig {
  /** The Keras class name. */
  class_name: string;
  /** The constructor's options. */
  config?: Record<string, unknown>;
}

/** Anything accepted as an initializer: a Keras name, an instance, or its serialized form. */
export type InitializerLike = string | Initializer | InitializerConfig | KerasInitializerConfig;

/**
 * Looks up an initializer by Keras name (snake_case, camelCase or class
 * name, case-insensitive), rebuilds one from Keras's `{ className, config }`
 * form (see {@linkcode deserialize}), or passes an instance through.
 *
 * @param identifier `"glorot_uniform"`, `"HeNormal"`, `"zeros"`, …,
 *   `{ className: "RandomNormal", config: { stddev: 0.1 } }`, or an instance.
 * @returns The initializer.
 * @example
 * ```ts
 * import { getInitializer } from "./initializers.ts";
 * const init = getInitializer("he_normal");
 * const seeded = getInitializer({ className: "GlorotUniform", config: { seed: 7 } });
 * ```
 */
export function getInitializer(identifier: InitializerLike): Initializer {
  if (typeof identifier === "object" && identifier !== null) {
    if (typeof (identifier as Initializer).apply === "function") return identifier as Initializer;
    return deserialize(identifier as InitializerConfig);
  }
  if (typeof identifier !== "string") {
    reject(
      "use initializer",
      "initializer",
      identifier,
      'a name ("glorot_uniform"), an Initializer or { className, config }',
    );
  }
  const name = normalizeIdentifier(identifier);
  const make = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (!make) {
    throw new TypeError(
      `Cannot use initializer "${identifier}" as it is unknown: expected one of glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal, lecun_uniform, random_normal, random_uniform, truncated_normal, zeros, ones, constant, orthogonal, or an Initializer`,
    );
  }
  return make();
}

/**
 * Keras's `keras.initializers.serialize`: an initializer as
 * `{ className, config }`, plain JSON.
 *
 * @example
 * ```ts
 * import { serialize, VarianceScaling } from "./initializers.ts";
 * console.log(serialize("glorot_uniform")); // { className: "GlorotUniform", config: { seed: null } }
 * console.log(serialize(new VarianceScaling({ scale: 2 })).config);
 * ```
 * @param initializer The initializer (or a name, resolved first).
 * @returns Its class name and constructor options.
 */
export function serialize(initializer: InitializerLike): InitializerConfig {
  const init = getInitializer(initializer);
  return { className: init.className, config: init.getConfig() };
}

/** The option keys of each serializable class (keys of `FACTORIES`). */
const CONFIG_KEYS: Record<string, readonly string[]> = {
  randomnormal: ["mean", "stddev", "seed"],
  truncatednormal: ["mean", "stddev", "seed"],
  randomuniform: ["minval", "maxval", "seed"],
  constant: ["value"],
  zeros: [],
  ones: [],
  variancescaling: ["scale", "mode", "distribution", "seed"],
  orthogonal: ["gain", "seed"],
};
const SEEDED: Record<string, [string, VarianceScalingOptions]> = {
  glorotuniform: ["GlorotUniform", { scale: 1, mode: "fan_avg", distribution: "uniform" }],
  glorotnormal: ["GlorotNormal", { scale: 1, mode: "fan_avg" }],
  heuniform: ["HeUniform", { scale: 2, mode: "fan_in", distribution: "uniform" }],
  henormal: ["HeNormal", { scale: 2, mode: "fan_in" }],
  lecununiform: ["LecunUniform", { scale: 1, mode: "fan_in", distribution: "uniform" }],
  lecunnormal: ["LecunNormal", { scale: 1, mode: "fan_in" }],
};

/**
 * Keras's `keras.initializers.deserialize`: rebuilds an initializer from
 * `{ className, config }` (or Keras's `{ class_name, config }`, or a name).
 * The configs are Keras's: `{ seed }` for GlorotUniform, HeNormal and their
 * kin, `{ mean, stddev, seed }` for RandomNormal and TruncatedNormal,
 * `{ minval, maxval, seed }` for RandomUniform, `{ value }` for Constant,
 * `{ scale, mode, distribution, seed }` for VarianceScaling, `{ gain, seed }`
 * for Orthogonal, `{}` for Zeros
 * and Ones; a `null` seed means none.
 *
 * @example
 * ```ts
 * import { deserialize } from "./initializers.ts";
 * const init = deserialize({ class_name: "RandomNormal", config: { mean: 1, stddev: 0.5, seed: 3 } });
 * init.apply([2, 2]).print();
 * ```
 * @param config The serialized form.
 * @returns The initializer.
 * @throws TypeError for an unknown class or option, naming it
 */
export function deserialize(
  config: InitializerConfig | KerasInitializerConfig | string,
): Initializer {
  if (typeof config === "string") return getInitializer(config);
  const what = "deserialize initializer";
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    reject(what, "config", config, "{ className, config }");
  }
  const c = config as { className?: unknown; class_name?: unknown; config?: unknown };
  const className = c.className ?? c.class_name;
  if (typeof className !== "string") {
    reject(what, "className", className, 'a class name such as "GlorotUniform"');
  }
  const inner = (c.config ?? {}) as Record<string, unknown>;
  if (typeof inner !== "object" || inner === null || Array.isArray(inner)) {
    reject(what, "config", c.config, "an object of the initializer's options");
  }
  const key = normalizeIdentifier(className);
  const known = Object.hasOwn(SEEDED, key)
    ? ["seed"]
    : Object.hasOwn(CONFIG_KEYS, key)
    ? CONFIG_KEYS[key]
    : undefined;
  if (known === undefined) {
    // the same message as an unknown name
    return getInitializer(className);
  }
  const unknownKey = Object.keys(inner).find((k) => !known.includes(k));
  if (unknownKey !== undefined) {
    throw new TypeError(
      `Cannot ${what} as "${unknownKey}" is not an option of ${className}: expected ${
        known.length === 0 ? "none" : known.map((k) => `"${k}"`).join(", ")
      }`,
    );
  }
  const seed = optionalSeed(what, "seed", inner.seed ?? undefined);
  const num = (k: string) => inner[k] === undefined ? undefined : number(what, k, inner[k], FINITE);
  if (Object.hasOwn(SEEDED, key)) {
    const [name, preset] = SEEDED[key];
    return new NamedVS(name, { ...preset, seed });
  }
  switch (key) {
    case "randomnormal":
    case "truncatednormal":
    case "randomuniform": {
      const kind = key === "randomnormal"
        ? "RandomNormal"
        : key === "truncatednormal"
        ? "TruncatedNormal"
        : "RandomUniform";
      const options: RandomOptions = {};
      for (const k of ["mean", "stddev", "minval", "maxval"] as const) {
        const v = num(k);
        if (v !== undefined) options[k] = v;
      }
      if (seed !== undefined) options.seed = seed;
      return new RandomInitializer(kind, options);
    }
    case "constant":
      return new Constant(num("value") ?? 0);
    case "orthogonal":
      return new Orthogonal({ gain: num("gain"), seed });
    case "variancescaling": {
      const distribution = inner.distribution === "normal"
        ? "truncated_normal"
        : inner.distribution;
      return new VarianceScaling({
        scale: num("scale"),
        mode: inner.mode === undefined
          ? undefined
          : oneOf(what, "mode", inner.mode, ["fan_in", "fan_out", "fan_avg"] as const),
        distribution: distribution === undefined ? undefined : oneOf(
          what,
          "distribution",
          distribution,
          ["truncated_normal", "untruncated_normal", "uniform"] as const,
        ),
        seed,
      });
    }
  }
  return getInitializer(className); // zeros, ones
}
