/**
 * Binary focal cross-entropy, Keras 3's `binary_focal_crossentropy` /
 * `BinaryFocalCrossentropy` (Lin et al., 2018): binary cross-entropy scaled
 * by the focal factor `(1 - p_t)^gamma`, where `p_t = z p + (1 - z)(1 - p)`,
 * so that easy examples count less; with `applyClassBalancing`, also by
 * `alpha` for class 1 and `1 - alpha` for class 0. Averaged over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { boolean, number } from "../engine/validate.ts";
import { EPSILON, meanOfElementwise, perSample } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Options of binary focal cross-entropy. */
export interface BinaryFocalCrossentropyOptions {
  /**
   * Whether to weight class 1 by `alpha` and class 0 by `1 - alpha`.
   * @default false
   */
  applyClassBalancing?: boolean;
  /**
   * The weight of class 1 (class 0 gets `1 - alpha`), in [0, 1]; used only
   * with `applyClassBalancing`.
   * @default 0.25
   */
  alpha?: number;
  /**
   * The focusing parameter, >= 0; 0 gives plain binary cross-entropy.
   * @default 2
   */
  gamma?: number;
  /**
   * Whether `yPred` holds logits rather than probabilities.
   * @default false
   */
  fromLogits?: boolean;
  /**
   * In [0, 1]: targets become `z (1 - s) + s / 2`.
   * @default 0
   */
  labelSmoothing?: number;
}

/** The checked options, every field filled. */
type Resolved = Required<BinaryFocalCrossentropyOptions>;

function resolve(what: string, o: BinaryFocalCrossentropyOptions): Resolved {
  return {
    applyClassBalancing: boolean(what, "applyClassBalancing", o.applyClassBalancing, false),
    alpha: number(what, "alpha", o.alpha, { min: 0, max: 1 }, 0.25),
    gamma: number(what, "gamma", o.gamma, { min: 0, max: Infinity }, 2),
    fromLogits: boolean(what, "fromLogits", o.fromLogits, false),
    labelSmoothing: number(what, "labelSmoothing", o.labelSmoothing, { min: 0, max: 1 }, 0),
  };
}

function focalElementwise(t: tf.Tensor, p: tf.Tensor, o: Resolved): tf.Tensor {
  const s = o.labelSmoothing;
  const z = s > 0 ? tf.add(tf.mul(t, 1 - s), 0.5 * s) : t;
  const prob = o.fromLogits ? tf.sigmoid(p) : p;
  const clipped = tf.clipByValue(prob, EPSILON, 1 - EPSILON);
  const bce = tf.neg(
    tf.add(tf.mul(z, tf.log(clipped)), tf.mul(tf.sub(1, z), tf.log(tf.sub(1, clipped)))),
  );
  const pT = tf.add(tf.mul(z, prob), tf.mul(tf.sub(1, z), tf.sub(1, prob)));
  // gamma 0: no factor (pow(0, 0)'s gradient would be NaN)
  let focal = o.gamma === 0 ? bce : tf.mul(tf.pow(tf.sub(1, pT), o.gamma), bce);
  if (o.applyClassBalancing) {
    focal = tf.mul(tf.add(tf.mul(z, o.alpha), tf.mul(tf.sub(1, z), 1 - o.alpha)), focal);
  }
  return focal;
}

/**
 * Binary focal cross-entropy averaged over the last axis. `yTrue` of shape
 * `[batch]` fits `yPred` of shape `[batch, 1]`; rank-1 inputs count as one
 * value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const t = tf.tensor2d([[0, 1], [0, 0]]);
 * binaryFocalCrossentropy(t, tf.tensor2d([[0.6, 0.4], [0.4, 0.6]])).print(); // [0.330, 0.206]
 * ```
 * @param yTrue targets in [0, 1]
 * @param yPred probabilities, or logits with `fromLogits`
 * @param options `applyClassBalancing`, `alpha`, `gamma`, `fromLogits`, `labelSmoothing`
 * @returns the losses, shape `yPred.shape` without its last axis
 */
export function binaryFocalCrossentropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: BinaryFocalCrossentropyOptions = {},
): tf.Tensor {
  const o = resolve("compute binary_focal_crossentropy", options);
  return meanOfElementwise(
    "binary_focal_crossentropy",
    yTrue,
    yPred,
    (t, p) => focalElementwise(t, p, o),
  );
}

/** Options of the {@linkcode BinaryFocalCrossentropy} loss. */
export interface BinaryFocalCrossentropyLossOptions
  extends BinaryFocalCrossentropyOptions, LossOptions {}

/**
 * The binary focal cross-entropy loss, for imbalanced 0/1 targets.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const loss = new BinaryFocalCrossentropy({ gamma: 2, fromLogits: true });
 * loss.apply(tf.tensor1d([0, 1, 0, 0]), tf.tensor1d([-18.6, 0.51, 2.94, -12.8])).print(); // 0.691
 * ```
 */
export class BinaryFocalCrossentropy extends Loss {
  /** Whether class 1 is weighted by `alpha` and class 0 by `1 - alpha`. */
  readonly applyClassBalancing: boolean;
  /** The weight of class 1 with `applyClassBalancing`. */
  readonly alpha: number;
  /** The focusing parameter. */
  readonly gamma: number;
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The label smoothing factor in [0, 1]. */
  readonly labelSmoothing: number;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...LOSS_OPTION_KEYS,
    "applyClassBalancing",
    "alpha",
    "gamma",
    "fromLogits",
    "labelSmoothing",
  ];

  /**
   * Creates the loss.
   * @param options `applyClassBalancing` (default false), `alpha` (default
   *   0.25), `gamma` (default 2), `fromLogits` (default false),
   *   `labelSmoothing` (default 0), `name` (default
   *   "binary_focal_crossentropy"), `reduction`
   */
  constructor(options: BinaryFocalCrossentropyLossOptions = {}) {
    super("binary_focal_crossentropy", options);
    const o = resolve("build BinaryFocalCrossentropy", options);
    this.applyClassBalancing = o.applyClassBalancing;
    this.alpha = o.alpha;
    this.gamma = o.gamma;
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred probabilities or logits
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(binaryFocalCrossentropy(yTrue, yPred, this.#options())));
  }

  #options(): Resolved {
    return {
      applyClassBalancing: this.applyClassBalancing,
      alpha: this.alpha,
      gamma: this.gamma,
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
    };
  }

  /**
   * The options that rebuild this loss.
   * @returns name, reduction, applyClassBalancing, alpha, gamma, fromLogits and labelSmoothing
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.#options() };
  }
}
