/**
 * Categorical focal cross-entropy, Keras 3's `categorical_focal_crossentropy`
 * / `CategoricalFocalCrossentropy` (Lin et al., 2018), for one-hot targets:
 * `sum(alpha (1 - p)^gamma (-z log p))` along the last axis, with `p` the
 * predictions renormalised to sum to 1 and clipped to `[1e-7, 1 - 1e-7]`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { boolean, number, reject } from "../engine/validate.ts";
import { assertSameShape, EPSILON, perSample, toFloat } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Options of categorical focal cross-entropy. */
export interface CategoricalFocalCrossentropyOptions {
  /**
   * The weight of every class (a number), or one weight per class (an array
   * as long as the last axis).
   * @default 0.25
   */
  alpha?: number | number[];
  /**
   * The focusing parameter, >= 0; 0 gives `alpha` times cross-entropy.
   * @default 2
   */
  gamma?: number;
  /**
   * Whether `yPred` holds logits (a softmax is applied first).
   * @default false
   */
  fromLogits?: boolean;
  /**
   * In [0, 1]: targets become `z (1 - s) + s / classes`.
   * @default 0
   */
  labelSmoothing?: number;
}

type Resolved = Required<CategoricalFocalCrossentropyOptions>;

function resolve(what: string, o: CategoricalFocalCrossentropyOptions): Resolved {
  const alpha = o.alpha ?? 0.25;
  if (Array.isArray(alpha)) {
    if (alpha.length === 0 || alpha.some((a) => typeof a !== "number" || !Number.isFinite(a))) {
      reject(what, "alpha", alpha, "a number or a non-empty array of numbers", RangeError);
    }
  } else number(what, "alpha", alpha);
  return {
    alpha: Array.isArray(alpha) ? [...alpha] : alpha,
    gamma: number(what, "gamma", o.gamma, { min: 0, max: Infinity }, 2),
    fromLogits: boolean(what, "fromLogits", o.fromLogits, false),
    labelSmoothing: number(what, "labelSmoothing", o.labelSmoothing, { min: 0, max: 1 }, 0),
  };
}

function checkShapes(yTrue: tf.Tensor, yPred: tf.Tensor, alpha: number | number[]): void {
  if (yTrue.rank === yPred.rank - 1) {
    throw new RangeError(
      `Cannot compute categorical_focal_crossentropy as "yTrue" must be one-hot with the ` +
        `shape of "yPred": received [${yTrue.shape}] and [${yPred.shape}]; one-hot encode ` +
        `integer labels with tf.oneHot`,
    );
  }
  assertSameShape("categorical_focal_crossentropy", yTrue, yPred);
  const classes = yPred.shape[yPred.rank - 1];
  if (Array.isArray(alpha) && alpha.length !== classes) {
    throw new RangeError(
      `Cannot compute categorical_focal_crossentropy as "alpha" must hold one weight per ` +
        `class (${classes}): received ${alpha.length} weights`,
    );
  }
}

/**
 * Categorical focal cross-entropy along the last axis.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const t = tf.tensor2d([[0, 1, 0], [0, 0, 1]]);
 * categoricalFocalCrossentropy(t, tf.tensor2d([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]])).print(); // [2.634e-4, 0.6759]
 * ```
 * @param yTrue one-hot targets, shape `[batch, classes]`
 * @param yPred probabilities or logits, same shape
 * @param options `alpha`, `gamma`, `fromLogits`, `labelSmoothing`
 * @returns the losses, shape `yPred.shape` without its last axis
 */
export function categoricalFocalCrossentropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: CategoricalFocalCrossentropyOptions = {},
): tf.Tensor {
  const o = resolve("compute categorical_focal_crossentropy", options);
  checkShapes(yTrue, yPred, o.alpha);
  return tf.tidy(() => {
    let z = toFloat(yTrue);
    const classes = yPred.shape[yPred.rank - 1];
    const s = o.labelSmoothing;
    if (s > 0) z = tf.add(tf.mul(z, 1 - s), s / classes);
    let p = toFloat(yPred);
    if (o.fromLogits) p = tf.softmax(p);
    const output = tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), EPSILON, 1 - EPSILON);
    const cce = tf.neg(tf.mul(z, tf.log(output)));
    const modulating = o.gamma === 0 ? cce : tf.mul(tf.pow(tf.sub(1, output), o.gamma), cce);
    const alpha = Array.isArray(o.alpha) ? tf.tensor1d(o.alpha) : o.alpha;
    return tf.sum(tf.mul(modulating, alpha), -1);
  });
}

/** Options of the {@linkcode CategoricalFocalCrossentropy} loss. */
export interface CategoricalFocalCrossentropyLossOptions
  extends CategoricalFocalCrossentropyOptions, LossOptions {}

/**
 * The categorical focal cross-entropy loss, for imbalanced one-hot targets.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const loss = new CategoricalFocalCrossentropy();
 * loss.apply(tf.tensor2d([[0, 1, 0], [0, 0, 1]]), tf.tensor2d([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])).print(); // 0.2332
 * ```
 */
export class CategoricalFocalCrossentropy extends Loss {
  /** The weight of every class, or one weight per class. */
  readonly alpha: number | number[];
  /** The focusing parameter. */
  readonly gamma: number;
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The label smoothing factor in [0, 1]. */
  readonly labelSmoothing: number;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...LOSS_OPTION_KEYS,
    "alpha",
    "gamma",
    "fromLogits",
    "labelSmoothing",
  ];

  /**
   * Creates the loss.
   * @param options `alpha` (default 0.25), `gamma` (default 2), `fromLogits`
   *   (default false), `labelSmoothing` (default 0), `name` (default
   *   "categorical_focal_crossentropy"), `reduction`
   */
  constructor(options: CategoricalFocalCrossentropyLossOptions = {}) {
    super("categorical_focal_crossentropy", options);
    const o = resolve("build CategoricalFocalCrossentropy", options);
    this.alpha = o.alpha;
    this.gamma = o.gamma;
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue one-hot targets
   * @param yPred probabilities or logits
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(categoricalFocalCrossentropy(yTrue, yPred, this.#options())));
  }

  #options(): Resolved {
    return {
      alpha: Array.isArray(this.alpha) ? [...this.alpha] : this.alpha,
      gamma: this.gamma,
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
    };
  }

  /**
   * The options that rebuild this loss.
   * @returns name, reduction, alpha, gamma, fromLogits and labelSmoothing
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.#options() };
  }
}
