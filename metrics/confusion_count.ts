/**
 * `ConfusionCount`: the shared base of {@linkcode TruePositives},
 * {@linkcode FalsePositives}, {@linkcode TrueNegatives} and
 * {@linkcode FalseNegatives}, Keras's `_ConfusionMatrixConditionCount`: the
 * (weighted) number of one confusion-matrix condition at each threshold.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { checkClassOptions } from "../engine/options.ts";
import {
  type ConfusionCounts,
  emptyCounts,
  mergeCounts,
  parseThresholds,
  updateConfusionCounts,
} from "./_confusion.ts";
import { Metric, METRIC_OPTION_KEYS, type MetricDirection, type MetricOptions } from "./metric.ts";

/** Options of the confusion-count metrics. */
export interface ConfusionCountOptions extends MetricOptions {
  /**
   * A prediction strictly above a threshold counts as positive. A number
   * gives one count (`result()` is a number); an array gives one count per
   * threshold (`result()` is an array, a number for an array of one, as in
   * Keras).
   * @default 0.5
   */
  thresholds?: number | number[];
  /**
   * Keras's `dtype` of the result; the counts are JavaScript numbers either way.
   * @default "float32"
   */
  dtype?: "float32" | "float64";
}

/** Which condition a {@linkcode ConfusionCount} counts. */
export type ConfusionCondition = "tp" | "fp" | "tn" | "fn";

/**
 * Counts one confusion-matrix condition of predictions thresholded at
 * `thresholds`; labels count as positive when non-zero. With sample weights,
 * the count is the sum of the weights.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { FalsePositives } from "./false_positives.ts";
 * const m: ConfusionCount = new FalsePositives({ thresholds: [0.3, 0.7] });
 * m.updateState(tf.tensor1d([0, 0, 1]), tf.tensor1d([0.5, 0.9, 0.9]));
 * console.log(m.result()); // [2, 1]
 * ```
 */
export abstract class ConfusionCount extends Metric {
  /** The keys of its options object. */
  static optionKeys: readonly string[] = [...METRIC_OPTION_KEYS, "thresholds", "dtype"];

  /** The thresholds, in the order given. */
  readonly thresholds: readonly number[];
  /** The condition counted. */
  readonly condition: ConfusionCondition;
  readonly #initThresholds: number | number[];
  #counts: ConfusionCounts;

  /**
   * Validates the options and zeroes the counts.
   * @param condition which count to keep
   * @param direction `"max"` for true counts, `"min"` for false ones
   * @param options `thresholds` (default 0.5), `name` (default the class
   *   name in snake_case), `dtype`; or the thresholds alone, as Keras's
   *   first positional argument
   */
  constructor(
    condition: ConfusionCondition,
    direction: MetricDirection,
    options: ConfusionCountOptions | number | number[] = {},
  ) {
    const o: ConfusionCountOptions = typeof options === "number" || Array.isArray(options)
      ? { thresholds: options }
      : checkClassOptions(`build ${new.target.name}`, new.target, options);
    super({ name: o.name, dtype: o.dtype, direction });
    this.condition = condition;
    this.#initThresholds = o.thresholds ?? 0.5;
    this.thresholds = parseThresholds(new.target.name, this.#initThresholds);
    this.#counts = emptyCounts(this.thresholds.length);
  }

  /**
   * Adds a batch's count at every threshold.
   * @param yTrue labels (non-zero is positive)
   * @param yPred predictions
   * @param sampleWeight optional weights, per sample or per entry
   */
  updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void {
    updateConfusionCounts(
      this.name,
      this.#counts,
      this.thresholds,
      yTrue,
      yPred,
      sampleWeight,
      {},
      (c) => this.deferState(c),
    );
  }

  /**
   * Adds the counts summed on the device.
   * @param values tp, fp, tn, fn per threshold
   */
  protected override mergeDeviceState(values: Float32Array): void {
    mergeCounts(this.#counts, values);
  }

  /**
   * The count at each threshold.
   * @returns one count per threshold, in the order of `thresholds`
   */
  results(): number[] {
    this.settleDeviceState();
    return Array.from(this.#counts[this.condition]);
  }

  /**
   * The count, as Keras returns it.
   * @returns a number for one threshold, else one count per threshold
   */
  result(): number | number[] {
    const counts = this.results();
    return counts.length === 1 ? counts[0] : counts;
  }

  /** Clears the counts. */
  resetState(): void {
    this.discardDeviceState();
    this.#counts = emptyCounts(this.thresholds.length);
  }

  /**
   * The options that rebuild this metric.
   * @returns name and thresholds (as given)
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.#initThresholds };
  }
}
