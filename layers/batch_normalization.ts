/**
 * BatchNormalization: normalises each feature with batch statistics in
 * training and with moving averages of them in inference.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { getInitializer, type InitializerLike } from "../engine/initializers.ts";
import { getRegularizer, type RegularizerLike } from "../engine/regularizers.ts";
import { axisInt, layerOptions, noPositional } from "./_checks.ts";
import { boolean, number, POSITIVE } from "../engine/validate.ts";

/** Options of {@link BatchNormalization}. */
export interface BatchNormalizationOptions extends LayerOptions {
  /** The feature axis (normalised per index along it). @default -1 */
  axis?: number;
  /** Weight of the old value in the moving averages. @default 0.99 */
  momentum?: number;
  /** Added to the variance before the square root. @default 1e-3 */
  epsilon?: number;
  /** Whether to add the learned offset `beta`. @default true */
  center?: boolean;
  /** Whether to multiply by the learned scale `gamma`. @default true */
  scale?: boolean;
  /** Initializer of beta. @default "zeros" */
  betaInitializer?: InitializerLike;
  /** Initializer of gamma. @default "ones" */
  gammaInitializer?: InitializerLike;
  /** Initializer of the moving mean. @default "zeros" */
  movingMeanInitializer?: InitializerLike;
  /** Initializer of the moving variance. @default "ones" */
  movingVarianceInitializer?: InitializerLike;
  /** Penalty on beta. */
  betaRegularizer?: RegularizerLike;
  /** Penalty on gamma. */
  gammaRegularizer?: RegularizerLike;
}

/**
 * Batch normalisation with Keras 3's semantics. In training (`training:
 * true` and the layer trainable) each feature is normalised with the batch's
 * mean and (biased) variance, `y = gamma·(x − mean)/√(var + epsilon) + beta`,
 * and the non-trainable `movingMean`/`movingVariance` are updated by
 * assignment: `moving = moving·momentum + batch·(1 − momentum)`. Otherwise
 * the moving statistics are used. A mask over the leading axes (e.g. from
 * `Embedding({ maskZero: true })`) excludes masked steps from the batch
 * statistics, and passes through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.randomNormal([32, 4]);
 * const bn = new layers.BatchNormalization();
 * const y = bn.apply(x, { training: true }); // per-feature mean 0, variance ≈ 1
 * tf.dispose([x, y]);
 * ```
 */
export class BatchNormalization extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The feature axis as given. */
  readonly axis: number;
  /** Moving-average momentum. */
  readonly momentum: number;
  /** Variance offset. */
  readonly epsilon: number;
  /** Whether beta is used. */
  readonly center: boolean;
  /** Whether gamma is used. */
  readonly scale: boolean;
  readonly #options: BatchNormalizationOptions;
  /** Learned scale, `[features]`; set by `build` when `scale`. */
  gamma: tf.Variable | null = null;
  /** Learned offset, `[features]`; set by `build` when `center`. */
  beta: tf.Variable | null = null;
  /** Moving mean (non-trainable), `[features]`; set by `build`. */
  movingMean: tf.Variable | null = null;
  /** Moving variance (non-trainable), `[features]`; set by `build`. */
  movingVariance: tf.Variable | null = null;
  #axis = -1;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];

  /** The keys of {@link BatchNormalizationOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "axis",
    "momentum",
    "epsilon",
    "center",
    "scale",
    "betaInitializer",
    "gammaInitializer",
    "movingMeanInitializer",
    "movingVarianceInitializer",
    "betaRegularizer",
    "gammaRegularizer",
  ] satisfies (keyof BatchNormalizationOptions)[];

  /**
   * Creates a BatchNormalization layer.
   *
   * @param options Axis, momentum, epsilon, center, scale, initializers, regularizers.
   */
  constructor(options: BatchNormalizationOptions = {}) {
    super(
      layerOptions(
        "BatchNormalization",
        options,
        noPositional,
        "new BatchNormalization({ axis: -1, momentum: 0.99 })",
      ),
    );
    const what = "build BatchNormalization";
    this.axis = axisInt(what, "axis", options.axis ?? -1);
    this.momentum = number(what, "momentum", options.momentum, { min: 0, max: 1 }, 0.99);
    this.epsilon = number(what, "epsilon", options.epsilon, POSITIVE, 1e-3);
    this.center = boolean(what, "center", options.center, true);
    this.scale = boolean(what, "scale", options.scale, true);
    for (const k of INITIALIZERS) getInitializer(options[k] ?? INITIALIZER_DEFAULTS[k]);
    for (const k of ["betaRegularizer", "gammaRegularizer"] as const) {
      if (options[k] !== undefined) getRegularizer(options[k]);
    }
    this.#options = options;
    this.supportsMasking = true;
  }

  /** Creates the layer's weights for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    const rank = inputShape.length;
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    const dim = inputShape[axis];
    if (axis <= 0 || axis >= rank || dim === null || dim === undefined) {
      throw new RangeError(
        `Cannot build ${this.name} (BatchNormalization) as "axis" ${this.axis} must name a known, non-batch axis of the input: received shape [${inputShape}]`,
      );
    }
    this.#axis = axis;
    const o = this.#options;
    const init = (k: typeof INITIALIZERS[number]) => o[k] ?? INITIALIZER_DEFAULTS[k];
    if (this.scale) {
      this.gamma = this.addWeight("gamma", [dim], {
        initializer: init("gammaInitializer"),
        regularizer: o.gammaRegularizer,
      });
    }
    if (this.center) {
      this.beta = this.addWeight("beta", [dim], {
        initializer: init("betaInitializer"),
        regularizer: o.betaRegularizer,
      });
    }
    this.movingMean = this.addWeight("moving_mean", [dim], {
      initializer: init("movingMeanInitializer"),
      trainable: false,
    });
    this.movingVariance = this.addWeight("moving_variance", [dim], {
      initializer: init("movingVarianceInitializer"),
      trainable: false,
    });
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    const rank = inputs.rank;
    const shape = inputs.shape.map((d, i) => (i === this.#axis ? d : 1));
    const view = (t: tf.Tensor) => (this.#axis === rank - 1 ? t : tf.reshape(t, shape));
    let mean: tf.Tensor = this.movingMean!;
    let variance: tf.Tensor = this.movingVariance!;
    if (options.training && this.trainable) {
      [mean, variance] = this.#moments(inputs, options.mask ?? null);
      const m = this.momentum;
      this.movingMean!.assign(tf.add(tf.mul(this.movingMean!, m), tf.mul(mean, 1 - m)));
      this.movingVariance!.assign(
        tf.add(tf.mul(this.movingVariance!, m), tf.mul(variance, 1 - m)),
      );
    }
    let y = tf.mul(tf.sub(inputs, view(mean)), view(tf.rsqrt(tf.add(variance, this.epsilon))));
    if (this.gamma) y = tf.mul(y, view(this.gamma));
    if (this.beta) y = tf.add(y, view(this.beta));
    return y;
  }

  /** Batch mean and biased variance per feature, over unmasked positions. */
  #moments(x: tf.Tensor, mask: tf.Tensor | null): [tf.Tensor, tf.Tensor] {
    const axes = x.shape.map((_, i) => i).filter((i) => i !== this.#axis);
    if (mask === null || mask.rank >= x.rank) {
      const { mean, variance } = tf.moments(x, axes);
      return [mean, variance];
    }
    let w = tf.cast(mask, "float32");
    while (w.rank < x.rank) w = tf.expandDims(w, -1);
    w = tf.mul(w, tf.onesLike(x));
    const count = tf.maximum(tf.sum(w, axes, true), 1);
    const meanK = tf.div(tf.sum(tf.mul(x, w), axes, true), count);
    const varK = tf.div(tf.sum(tf.mul(w, tf.square(tf.sub(x, meanK))), axes, true), count);
    const dim = [x.shape[this.#axis]];
    const [mean, variance] = [tf.reshape(meanK, dim), tf.reshape(varK, dim)];
    return [mean, variance];
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const o = this.#options;
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
    for (const k of INITIALIZERS) config[k] = o[k] ?? INITIALIZER_DEFAULTS[k];
    if (o.betaRegularizer !== undefined) config.betaRegularizer = o.betaRegularizer;
    if (o.gammaRegularizer !== undefined) config.gammaRegularizer = o.gammaRegularizer;
    return config;
  }
}

const INITIALIZERS = [
  "betaInitializer",
  "gammaInitializer",
  "movingMeanInitializer",
  "movingVarianceInitializer",
] as const;

const INITIALIZER_DEFAULTS: Record<typeof INITIALIZERS[number], string> = {
  betaInitializer: "zeros",
  gammaInitializer: "ones",
  movingMeanInitializer: "zeros",
  movingVarianceInitializer: "ones",
};
