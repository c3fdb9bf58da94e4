/**
 * `Mean`: the (weighted) mean of the values it is given, Keras's `Mean`.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { weightedTotals, weightedTotalsTensor } from "./_weighted.ts";
import { readsDeferred } from "../engine/_reads.ts";
import { Metric, METRIC_OPTION_KEYS, type MetricDirection, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of {@linkcode Mean}. */
export interface MeanOptions extends MetricOptions {
  /**
   * Which way is better.
   * @default "min" (a mean usually tracks a loss)
   */
  direction?: MetricDirection;
}

/**
 * The running (weighted) mean: `sum(v_i w_i) / sum(w_i)`. A tensor of rank
 * above 1 is first averaged over its non-batch axes, one value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new Mean();
 * m.updateState(tf.tensor1d([1, 3, 5, 7]), tf.tensor1d([1, 1, 0, 0]));
 * console.log(m.result()); // 2
 * ```
 */
export class Mean extends Metric {
  #total = 0;
  #count = 0;

  /** The keys of its options object. */
  static optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "direction",
  ];

  /**
   * Creates the metric.
   * @param options `name` (default "mean"), `direction` (default "min")
   */
  constructor(options: MeanOptions = {}) {
    if (new.target === Mean) checkClassOptions(`build Mean`, Mean, options);
    super(options.name ?? "mean", options.direction ?? "min");
  }

  /**
   * Adds values to the mean.
   * @param values a number or a tensor (first axis: samples)
   * @param sampleWeight a weight per sample, or one weight
   */
  updateState(values: tf.Tensor | number, sampleWeight?: tf.Tensor | number): void {
    this.accumulate(values, sampleWeight);
  }

  /**
   * Adds weighted per-sample values to the running total and count.
   * @param values the values
   * @param sampleWeight optional weights
   */
  protected accumulate(values: tf.Tensor | number, sampleWeight?: tf.Tensor | number): void {
    const onHost = typeof values === "number" && typeof (sampleWeight ?? 0) === "number";
    if (!onHost && readsDeferred()) {
      this.deferState(weightedTotalsTensor(values, sampleWeight, "mean"));
      return;
    }
    const [total, count] = weightedTotals(values, sampleWeight, "mean");
    this.#total += total;
    this.#count += count;
  }

  /**
   * Adds the total and count summed on the device.
   * @param values `[total, count]`
   */
  protected override mergeDeviceState(values: Float32Array): void {
    this.#total += values[0];
    this.#count += values[1];
  }

  /**
   * The mean so far.
   * @returns `total / count`, or 0 before any sample
   */
  result(): number {
    this.settleDeviceState();
    return this.#count === 0 ? 0 : this.#total / this.#count;
  }

  /** Clears the total and the count. */
  resetState(): void {
    this.discardDeviceState();
    this.#total = 0;
    this.#count = 0;
  }
}
