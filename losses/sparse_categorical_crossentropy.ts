/**
 * Sparse categorical cross-entropy, Keras 3's `sparse_categorical_crossentropy`
 * / `SparseCategoricalCrossentropy`: categorical cross-entropy with integer
 * class ids as targets. Keras has no label smoothing here; `ignoreClass`
 * drops the entries labelled with that id (the loss is then averaged over the
 * remaining entries only).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { safeDivide, weightsFor } from "./_reduce.ts";
import { perSample, toFloat } from "./common.ts";
import { logProbabilities } from "./categorical_crossentropy.ts";
import { fused } from "../engine/fused.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Options of sparse categorical cross-entropy. */
export interface SparseCategoricalCrossentropyOptions {
  /**
   * Whether `yPred` holds logits rather than a probability distribution.
   * @default false
   */
  fromLogits?: boolean;
  /**
   * A label whose entries take no part in the loss (e.g. a "void" class).
   * @default undefined (every entry counts)
   */
  ignoreClass?: number;
}

/** Brings integer labels to the shape of `yPred` without its class axis. */
function labelsFor(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  let labels = yTrue;
  if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) {
    labels = tf.squeeze(labels, [labels.rank - 1]);
  }
  const expected = yPred.shape.slice(0, -1);
  const fits = labels.rank === expected.length && labels.shape.every((d, i) => d === expected[i]);
  if (!fits) {
    throw new RangeError(
      `Cannot compute sparse_categorical_crossentropy as "yTrue" must hold one class id per ` +
        `row of "yPred" (shape [${expected}] or [${[
          ...expected,
          1,
        ]}]): received [${yTrue.shape}] ` +
        `for yPred [${yPred.shape}]`,
    );
  }
  return labels;
}

/**
 * Sparse categorical cross-entropy along the last axis of `yPred`.
 * Labels outside `[0, classes)` give a loss of 0 rather than an error here
 * (checking them costs a device read); use {@linkcode checkSparseLabels} once
 * on the data.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const loss = sparseCategoricalCrossentropy(tf.tensor1d([1, 2]), tf.tensor2d([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));
 * console.log(loss.dataSync()); // [-log 0.95, -log 0.1]
 * ```
 * @param yTrue class ids, shape `[batch]` or `[batch, 1]`, float or int
 * @param yPred probabilities or logits, shape `[batch, classes]`
 * @param options `fromLogits` and `ignoreClass`
 * @returns the losses, shape `[batch]` (0 where the label is `ignoreClass`)
 */
export function sparseCategoricalCrossentropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: SparseCategoricalCrossentropyOptions = {},
): tf.Tensor {
  const labels0 = labelsFor(yTrue, yPred);
  if (options.fromLogits && options.ignoreClass === undefined) {
    return tf.tidy(() => fused.sparseCrossentropyFromLogits(labels0, toFloat(yPred)));
  }
  return tf.tidy(() => {
    let labels = toFloat(labels0);
    let valid: tf.Tensor | undefined;
    if (options.ignoreClass !== undefined) {
      valid = tf.notEqual(labels, options.ignoreClass);
      labels = tf.where(valid, labels, tf.zerosLike(labels));
    }
    const classes = yPred.shape[yPred.rank - 1];
    const oneHot = tf.oneHot(tf.cast(labels, "int32"), classes);
    const logP = logProbabilities(toFloat(yPred), options.fromLogits ?? false);
    const losses = tf.neg(tf.sum(tf.mul(oneHot, logP), -1));
    return valid === undefined ? losses : tf.where(valid, losses, tf.zerosLike(losses));
  });
}

/**
 * Checks integer class labels on the JavaScript side, once, before training.
 * @param yTrue the labels
 * @param numClasses the number of classes the model predicts
 * @param ignoreClass a label allowed outside the range (see `ignoreClass`)
 * @throws RangeError naming the first bad label, its index and the class count
 */
export function checkSparseLabels(
  yTrue: ArrayLike<number>,
  numClasses: number,
  ignoreClass?: number,
): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(
      `Cannot check sparse labels as "numClasses" must be a positive integer: received ${numClasses}`,
    );
  }
  for (let i = 0; i < yTrue.length; i++) {
    const label = yTrue[i];
    if (label === ignoreClass) continue;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new RangeError(
        `Cannot use sparse labels as label ${label} at index ${i} is outside [0, ${numClasses}): ` +
          `the model predicts ${numClasses} classes, so labels must be integers 0 to ${
            numClasses - 1
          }`,
      );
    }
  }
}

/** Options of the {@linkcode SparseCategoricalCrossentropy} loss. */
export interface SparseCategoricalCrossentropyLossOptions
  extends SparseCategoricalCrossentropyOptions, LossOptions {}

/**
 * The sparse categorical cross-entropy loss, for integer class ids.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const scce = new SparseCategoricalCrossentropy({ fromLogits: true });
 * scce.apply(tf.tensor1d([0, 1]), tf.tensor2d([[2, 1], [0, 3]])).print();
 * ```
 */
export class SparseCategoricalCrossentropy extends Loss {
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The label that takes no part in the loss, if any. */
  readonly ignoreClass: number | undefined;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...LOSS_OPTION_KEYS,
    "fromLogits",
    "ignoreClass",
  ];

  /**
   * Creates the loss.
   * @param options `fromLogits` (default false), `ignoreClass` (default none),
   *   `name` (default "sparse_categorical_crossentropy"), `reduction`
   */
  constructor(options: SparseCategoricalCrossentropyLossOptions = {}) {
    super("sparse_categorical_crossentropy", options);
    this.fromLogits = options.fromLogits ?? false;
    this.ignoreClass = options.ignoreClass;
    if (this.ignoreClass !== undefined && !Number.isInteger(this.ignoreClass)) {
      throw new RangeError(
        `Cannot build SparseCategoricalCrossentropy as "ignoreClass" must be an integer: ` +
          `received ${this.ignoreClass}`,
      );
    }
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue class ids
   * @param yPred probabilities or logits
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(this.#elementwise(yTrue, yPred)));
  }

  /**
   * As {@linkcode Loss.apply}; with `ignoreClass`, the ignored entries weigh 0
   * and the weighted sum is divided by the number of remaining entries.
   * @param yTrue class ids
   * @param yPred probabilities or logits
   * @param sampleWeight optional per-sample weights
   * @returns the loss, a scalar
   */
  override apply(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): tf.Scalar {
    if (this.ignoreClass === undefined) return super.apply(yTrue, yPred, sampleWeight);
    const ignoreClass = this.ignoreClass;
    return tf.tidy(() => {
      const losses = this.#elementwise(yTrue, yPred);
      const batch = losses.rank === 0 ? 1 : losses.shape[0];
      const labels = tf.reshape(toFloat(yTrue), losses.shape);
      let weights = tf.cast(tf.notEqual(labels, ignoreClass), "float32");
      const valid = tf.sum(weights);
      if (sampleWeight !== undefined) {
        const w = weightsFor(this.name, batch, sampleWeight);
        const shape = [w.size, ...losses.shape.slice(1).map(() => 1)];
        weights = tf.mul(weights, tf.reshape(w, shape));
      }
      const total: tf.Scalar = tf.sum(tf.mul(losses, weights));
      if (this.reduction === "sum") return total;
      const divisor = this.reduction === "mean_with_sample_weight" ? tf.sum(weights) : valid;
      return safeDivide(total, divisor);
    });
  }

  #elementwise(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return sparseCategoricalCrossentropy(yTrue, yPred, {
      fromLogits: this.fromLogits,
      ignoreClass: this.ignoreClass,
    });
  }

  /**
   * The options that rebuild this loss.
   * @returns name, reduction, fromLogits and ignoreClass
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, ignoreClass: this.ignoreClass };
  }
}
