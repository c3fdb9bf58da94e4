/**
 * `MeanIoU`: the mean intersection-over-union of classes,
 * `IoU = tp / (tp + fp + fn)` from a confusion matrix accumulated over every
 * batch, Keras's `MeanIoU` (semantic segmentation's usual score).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { checkClassOptions } from "../engine/options.ts";
import { boolean, integer, positiveInt } from "../engine/validate.ts";
import { EPSILON, toFloat } from "../losses/common.ts";
import { readsDeferred } from "../engine/_reads.ts";
import { checkAxis } from "../losses/cosine_similarity.ts";
import { Metric, METRIC_OPTION_KEYS, type MetricOptions, requirePredictions } from "./metric.ts";
import { broadcastWeights, broadcastWeightsTensor, readValues } from "./_sample_weights.ts";

/** Options of {@linkcode MeanIoU}. */
export interface MeanIoUOptions extends MetricOptions {
  /** The number of classes (required): the confusion matrix is `numClasses x numClasses`. */
  numClasses: number;
  /**
   * A class id left out of the score (e.g. a "void" class such as 255 or -1).
   * @default null (every class counts)
   */
  ignoreClass?: number | null;
  /**
   * Whether labels are class ids; otherwise the arg-max along `axis` is taken.
   * @default true
   */
  sparseYTrue?: boolean;
  /**
   * Whether predictions are class ids; otherwise the arg-max along `axis` is taken.
   * @default true
   */
  sparseYPred?: boolean;
  /**
   * The axis holding the class scores, for the arg-max of dense inputs.
   * @default -1
   */
  axis?: number;
  /**
   * Keras's `dtype` of the result; the matrix is JavaScript numbers either way.
   * @default "float32"
   */
  dtype?: "float32" | "float64";
}

/**
 * The mean IoU over the classes that occur (in labels or predictions); a
 * class with an empty row and column is left out of the mean. Ids outside
 * `[0, numClasses)` and `ignoreClass` are not counted. Sample weights weigh
 * each label (a number, one per label, or one per sample).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new MeanIoU(2); // or new MeanIoU({ numClasses: 2 })
 * m.updateState(tf.tensor1d([0, 0, 1, 1]), tf.tensor1d([0, 1, 0, 1]));
 * console.log(m.result()); // 1/3
 * ```
 */
export class MeanIoU extends Metric {
  /** The number of classes. */
  readonly numClasses: number;
  /** The class left out, or null. */
  readonly ignoreClass: number | null;
  /** Whether labels are class ids. */
  readonly sparseYTrue: boolean;
  /** Whether predictions are class ids. */
  readonly sparseYPred: boolean;
  /** The axis of the arg-max for dense inputs. */
  readonly axis: number;
  #matrix: Float64Array;

  /** The keys of its options object. */
  static optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "numClasses",
    "ignoreClass",
    "sparseYTrue",
    "sparseYPred",
    "axis",
    "dtype",
  ];

  /**
   * Creates the metric: `new MeanIoU(3)`, `new MeanIoU(3, { ignoreClass: 0 })`
   * (Keras's positional `num_classes`) or `new MeanIoU({ numClasses: 3 })`.
   * @param numClasses the number of classes, or the whole options object
   * @param options `numClasses` (required unless given first), `ignoreClass`
   *   (default null), `sparseYTrue` and `sparseYPred` (default true), `axis`
   *   (default -1), `name` (default "mean_io_u", as Keras names it), `dtype`
   */
  constructor(
    numClasses: number | MeanIoUOptions,
    options: Partial<MeanIoUOptions> = {},
  ) {
    const what = `build ${new.target.name}`;
    const given = typeof numClasses === "number" ? { ...options, numClasses } : numClasses;
    const o = checkClassOptions(what, new.target, given);
    super({ name: o?.name ?? "mean_io_u", dtype: o?.dtype, direction: "max" });
    this.numClasses = positiveInt(what, "numClasses", o?.numClasses);
    const ignore = o.ignoreClass ?? null;
    this.ignoreClass = ignore === null ? null : integer(what, "ignoreClass", ignore, -Infinity);
    this.sparseYTrue = boolean(what, "sparseYTrue", o.sparseYTrue, true);
    this.sparseYPred = boolean(what, "sparseYPred", o.sparseYPred, true);
    this.axis = checkAxis(what, o.axis ?? -1);
    this.#matrix = new Float64Array(this.numClasses * this.numClasses);
  }

  /**
   * Adds a batch to the confusion matrix (rows: labels, columns: predictions).
   * @param yTrue class ids (or scores with `sparseYTrue: false`)
   * @param yPred class ids (or scores with `sparseYPred: false`)
   * @param sampleWeight optional weights: one, one per label, or one per sample
   */
  updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void {
    requirePredictions(this.name, yTrue, yPred);
    if (readsDeferred()) {
      const contribution = this.#deviceMatrix(yTrue as tf.Tensor, yPred, sampleWeight);
      try {
        this.deferState(contribution);
      } finally {
        contribution.dispose();
      }
      return;
    }
    const [labels, predicted, labelShape] = tf.tidy(() => {
      const t = this.sparseYTrue ? yTrue as tf.Tensor : tf.argMax(yTrue as tf.Tensor, this.axis);
      const p = this.sparseYPred ? yPred : tf.argMax(yPred, this.axis);
      return [readValues(t), readValues(p), t.shape] as const;
    });
    if (labels.length !== predicted.length) {
      throw new RangeError(
        `Cannot update ${this.name} as "yTrue" and "yPred" must hold as many class ids: ` +
          `received shapes [${(yTrue as tf.Tensor).shape}] and [${yPred.shape}]`,
      );
    }
    const weights = this.#weights(sampleWeight, labelShape, labels.length);
    const n = this.numClasses;
    for (let i = 0; i < labels.length; i++) {
      const [t, p] = [Math.trunc(labels[i]), Math.trunc(predicted[i])];
      if (t < 0 || t >= n || p < 0 || p >= n || t === this.ignoreClass) continue;
      this.#matrix[t * n + p] += weights[i];
    }
  }

  /**
   * The batch's confusion matrix computed on the device, as
   * {@link MeanIoU.updateState} does on the host: one-hot labels (an id out of
   * range or ignored gives a row of zeros) times weighted one-hot predictions.
   */
  #deviceMatrix(
    yTrue: tf.Tensor,
    yPred: tf.Tensor,
    sampleWeight: tf.Tensor | number | undefined,
  ): tf.Tensor {
    return tf.tidy(() => {
      const t = this.sparseYTrue ? yTrue : tf.argMax(yTrue, this.axis);
      const p = this.sparseYPred ? yPred : tf.argMax(yPred, this.axis);
      if (t.size !== p.size) {
        throw new RangeError(
          `Cannot update ${this.name} as "yTrue" and "yPred" must hold as many class ids: ` +
            `received shapes [${yTrue.shape}] and [${yPred.shape}]`,
        );
      }
      const labels = tf.cast(tf.reshape(t, [-1]), "int32"); // truncated, as Math.trunc
      const predicted = tf.cast(tf.reshape(p, [-1]), "int32");
      let w = typeof sampleWeight === "object" && sampleWeight.size === t.size
        ? tf.reshape(toFloat(sampleWeight), [-1]) // one weight per label
        : tf.reshape(
          broadcastWeightsTensor(this.name, sampleWeight, t.rank === 0 ? [1] : [...t.shape]),
          [-1],
        );
      if (this.ignoreClass !== null) {
        w = tf.mul(w, tf.cast(tf.notEqual(labels, this.ignoreClass), "float32"));
      }
      const n = this.numClasses;
      const rows = tf.oneHot(labels, n, 1, 0, "float32");
      const columns = tf.mul(tf.oneHot(predicted, n, 1, 0, "float32"), tf.expandDims(w, 1));
      return tf.matMul(rows, columns, true, false);
    });
  }

  /**
   * Adds the confusion matrix summed on the device.
   * @param values the matrix, row-major (rows: labels)
   */
  protected override mergeDeviceState(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) this.#matrix[i] += values[i];
  }

  /** Weights per label: broadcast to the labels' shape, or one per sample repeated. */
  #weights(
    sampleWeight: tf.Tensor | number | undefined,
    shape: readonly number[],
    size: number,
  ): Float32Array {
    if (typeof sampleWeight === "object" && sampleWeight.size === size) {
      return readValues(sampleWeight); // one weight per label
    }
    return broadcastWeights(this.name, sampleWeight, shape.length === 0 ? [1] : [...shape]);
  }

  /**
   * The mean IoU so far.
   * @returns the mean over the classes present (0 before any update)
   */
  result(): number {
    this.settleDeviceState();
    const n = this.numClasses;
    let sum = 0;
    let valid = 0;
    for (let c = 0; c < n; c++) {
      let row = 0;
      let col = 0;
      for (let k = 0; k < n; k++) {
        row += this.#matrix[c * n + k];
        col += this.#matrix[k * n + c];
      }
      const tp = this.#matrix[c * n + c];
      const denominator = row + col - tp;
      if (denominator > 1e-9) {
        sum += tp / (denominator + EPSILON);
        valid++;
      }
    }
    return sum / (valid + EPSILON);
  }

  /** Clears the confusion matrix. */
  resetState(): void {
    this.discardDeviceState();
    this.#matrix = new Float64Array(this.numClasses * this.numClasses);
  }

  /**
   * The options that rebuild this metric.
   * @returns name, numClasses, ignoreClass, sparseYTrue, sparseYPred and axis
   */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numClasses: this.numClasses,
      ignoreClass: this.ignoreClass,
      sparseYTrue: this.sparseYTrue,
      sparseYPred: this.sparseYPred,
      axis: this.axis,
    };
  }
}
