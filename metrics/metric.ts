/**
 * The base of every metric: state kept in plain numbers, updated batch by
 * batch with `updateState`, read with `result`, cleared with `resetState`.
 *
 * @module
 */
import "../engine/backend_setup.ts";
import type { tf } from "../engine/tf.ts";

/** Which way a metric improves: `"min"` (errors) or `"max"` (accuracies, AUC). */
export type MetricDirection = "min" | "max";

/** Options every metric accepts. */
export interface MetricOptions {
  /**
   * The metric's name, the key it is logged under.
   * @default the Keras snake_case name of the class, e.g. `"binary_accuracy"`
   */
  name?: string;
}

/**
 * A stateful metric. Implementations keep their state in JavaScript numbers
 * and dispose every tensor they create in `updateState`.
 *
 * @example
 * ```ts
 * import { Mean } from "./mean.ts";
 * const m = new Mean();
 * m.updateState(1);
 * m.updateState(3);
 * console.log(m.result()); // 2
 * ```
 */
export abstract class Metric {
  /** The name the metric is logged under, e.g. `"accuracy"`. */
  readonly name: string;
  /** Which way is better (used by EarlyStopping's `mode: "auto"`). */
  readonly direction: MetricDirection;

  /**
   * Sets the name and direction.
   * @param name the metric's name
   * @param direction which way the metric improves
   */
  constructor(name: string, direction: MetricDirection) {
    this.name = name;
    this.direction = direction;
  }

  /**
   * Accumulates one batch. Metrics over predictions take
   * `(yTrue, yPred, sampleWeight?)`; `Mean` and `Sum` take `(value, sampleWeight?)`.
   * @param yTrue the targets (or the values, for `Mean`/`Sum`)
   * @param yPred the predictions (or the weights, for `Mean`/`Sum`)
   * @param sampleWeight optional per-sample weights
   */
  abstract updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void;

  /**
   * The metric's value over everything accumulated since the last reset.
   * @returns the value (0 before any update)
   */
  abstract result(): number;

  /** Clears the accumulated state. */
  abstract resetState(): void;

  /**
   * The options that rebuild this metric.
   * @returns at least `{ name }`
   */
  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
}

/** Throws a TypeError unless `yPred` is a tensor (for metrics over predictions). */
export function requirePredictions(
  metric: string,
  yTrue: tf.Tensor | number,
  yPred: tf.Tensor | number | undefined,
): asserts yPred is tf.Tensor {
  if (typeof yTrue === "number" || yPred === undefined || typeof yPred === "number") {
    throw new TypeError(
      `Cannot update ${metric} as it needs "yTrue" and "yPred" tensors: received ` +
        `${typeof yTrue === "number" ? "a number" : "a tensor"} and ` +
        `${yPred === undefined ? "nothing" : typeof yPred === "number" ? "a number" : "a tensor"}`,
    );
  }
}
