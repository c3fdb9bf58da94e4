/**
 * `Sum`: the (weighted) sum of the values it is given, Keras's `Sum`.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { weightedTotals, weightedTotalsTensor } from "./_weighted.ts";
import { readsDeferred } from "../engine/_reads.ts";
import { Metric, METRIC_OPTION_KEYS, type MetricDirection, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of {@linkcode Sum}. */
export interface SumOptions extends MetricOptions {
  /**
   * Which way is better.
   * @default "min"
   */
  direction?: MetricDirection;
}

/**
 * The running (weighted) sum `sum(v_i w_i)`.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const s = new Sum();
 * s.updateState(tf.tensor1d([1, 3, 5, 7]));
 * console.log(s.result()); // 16
 * ```
 */
export class Sum extends Metric {
  #total = 0;

  /** The keys of its options object. */
  static optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "direction",
  ];

  /**
   * Creates the metric.
   * @param options `name` (default "sum"), `direction` (default "min")
   */
  constructor(options: SumOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(options.name ?? "sum", options.direction ?? "min");
  }

  /**
   * Adds values to the sum.
   * @param values a number or a tensor
   * @param sampleWeight a weight per sample, or one weight
   */
  updateState(values: tf.Tensor | number, sampleWeight?: tf.Tensor | number): void {
    const onHost = typeof values === "number" && typeof (sampleWeight ?? 0) === "number";
    if (!onHost && readsDeferred()) {
      this.deferState(weightedTotalsTensor(values, sampleWeight, "sum"));
      return;
    }
    this.#total += weightedTotals(values, sampleWeight, "sum")[0];
  }

  /**
   * Adds the total summed on the device.
   * @param values `[total, count]`
   */
  protected override mergeDeviceState(values: Float32Array): void {
    this.#total += values[0];
  }

  /**
   * The sum so far.
   * @returns the total
   */
  result(): number {
    this.settleDeviceState();
    return this.#total;
  }

  /** Sets the total back to 0. */
  resetState(): void {
    this.discardDeviceState();
    this.#total = 0;
  }
}
