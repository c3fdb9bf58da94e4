/**
 * The base of every metric: state kept in plain numbers, updated batch by
 * batch with `updateState`, read with `result`, cleared with `resetState`.
 *
 * @module
 */
import "../engine/backend_setup.ts";
import type { tf } from "../engine/tf.ts";
import { toSnakeCase } from "../engine/naming.ts";
import { oneOf, reject } from "../engine/validate.ts";

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

/** The keys of {@link MetricOptions}, which every built-in metric's `optionKeys` spreads in. */
export const METRIC_OPTION_KEYS: readonly (keyof MetricOptions)[] = ["name"];

/**
 * Options of the {@linkcode Metric} base constructor: Keras's
 * `Metric(name=None, dtype=None)`, plus the direction monitor callbacks read.
 */
export interface MetricBaseOptions extends MetricOptions {
  /**
   * The dtype of the result, as in Keras. kerno keeps metric state in
   * JavaScript numbers (float64) whichever is chosen.
   * @default "float32"
   */
  dtype?: "float32" | "float64";
  /**
   * Which way the metric improves, for `mode: "auto"` of EarlyStopping,
   * ReduceLROnPlateau and ModelCheckpoint.
   * @default "max" when the name contains "acc", else "min"
   */
  direction?: MetricDirection;
}

const DTYPES = ["float32", "float64"] as const;
const DIRECTIONS = ["min", "max"] as const;

/**
 * A stateful metric. Implementations keep their state in JavaScript numbers
 * and dispose every tensor they create in `updateState`.
 *
 * The constructor takes Keras's form, an options object `{ name, dtype }`
 * (`super({ name: "my_metric" })`), or a name; without a name the metric is
 * named after its class in snake_case (`class TruePositives` logs as
 * `true_positives`). Which way the metric improves is `direction`, given as
 * an option (`{ direction: "max" }`), as the second argument, or declared by
 * the subclass (`override readonly direction = "max"`).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * class CountAbove extends Metric {
 *   #count = 0;
 *   constructor() {
 *     super({ name: "count_above", direction: "max" });
 *   }
 *   updateState(yTrue: tf.Tensor | number, yPred?: tf.Tensor | number): void {
 *     const values = typeof yPred === "number" ? [yPred] : (yPred?.dataSync() ?? []);
 *     this.#count += Array.from(values).filter((v) => v > 0.5).length;
 *   }
 *   result(): number {
 *     return this.#count;
 *   }
 *   resetState(): void {
 *     this.#count = 0;
 *   }
 * }
 * const m = new CountAbove();
 * m.updateState(0, 0.7);
 * console.log(m.name, m.result()); // "count_above" 1
 * ```
 */
export abstract class Metric {
  /** The name the metric is logged under, e.g. `"accuracy"`. */
  readonly name: string;
  /** Which way is better (used by EarlyStopping's `mode: "auto"`). */
  readonly direction: MetricDirection;
  /** The dtype of the result (Keras's `dtype`); the state is JavaScript numbers. */
  readonly dtype: "float32" | "float64";

  /**
   * Sets the name, dtype and direction.
   * @param options Keras's `{ name, dtype }` (and `direction`), or the name
   * @param direction which way the metric improves (overrides `options.direction`)
   */
  constructor(options: string | MetricBaseOptions = {}, direction?: MetricDirection) {
    const what = `build ${new.target.name || "Metric"}`;
    const o = typeof options === "string" ? { name: options } : options;
    if (o === null || typeof o !== "object" || Array.isArray(o)) {
      reject(what, "options", options, 'a name or an object such as { name: "my_metric" }');
    }
    if (o.name !== undefined && (typeof o.name !== "string" || o.name === "")) {
      reject(what, "name", o.name, "a non-empty string");
    }
    this.name = o.name ?? (toSnakeCase(new.target.name) || "metric");
    this.dtype = oneOf(what, "dtype", o.dtype ?? "float32", DTYPES);
    const dir = direction ?? o.direction ?? (/acc/i.test(this.name) ? "max" : "min");
    this.direction = oneOf(what, "direction", dir, DIRECTIONS);
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
   * @returns the value (0 before any update); a metric with several
   *   thresholds (e.g. `TruePositives({ thresholds: [0.3, 0.7] })`) returns
   *   one value per threshold
   */
  abstract result(): number | number[];

  /** Clears the accumulated state. */
  abstract resetState(): void;

  /**
   * The options that rebuild this metric.
   * @returns at least `{ name }`
   */
  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  /**
   * Rebuilds a metric from `getConfig()`'s output by passing it to the
   * constructor as the options object (a subclass whose constructor takes
   * other arguments overrides this).
   * @param config the options `getConfig()` returned
   * @returns a new metric, with empty state
   */
  static fromConfig<T extends Metric>(
    this: new (options: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
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
