/**
 * The base of every metric: state kept in plain numbers, updated batch by
 * batch with `updateState`, read with `result`, cleared with `resetState`.
 *
 * @module
 */
import "../engine/backend_setup.ts";
import { tf } from "../engine/tf.ts";
import { readNow } from "../engine/_reads.ts";
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

  /** The batches' contributions not yet read from the device, summed there. */
  #deviceState: tf.Tensor | null = null;

  /**
   * Whether part of the state is still on the device (on a backend that
   * reads asynchronously): `await Metric.readDeviceStates([metric])` brings
   * it into `result()`.
   */
  get hasDeviceState(): boolean {
    return this.#deviceState !== null;
  }

  /**
   * Adds a batch's contribution to the state without reading it: the
   * contribution is a tensor of sums (its values add up across batches) that
   * is summed on the device until {@link Metric.readDeviceStates} reads it
   * and hands it to {@link Metric.mergeDeviceState}. For a subclass whose
   * state is sums, on a backend that reads asynchronously.
   *
   * @param contribution The batch's sums (any shape; the same every batch).
   */
  protected deferState(contribution: tf.Tensor): void {
    const previous = this.#deviceState;
    const next = tf.tidy(() =>
      previous === null
        ? tf.cast(contribution, "float32").flatten()
        : tf.add(previous, contribution.flatten())
    );
    this.#deviceState = tf.keep(next);
    previous?.dispose();
  }

  /**
   * Adds the sums read from the device to the state; a subclass that calls
   * {@link Metric.deferState} overrides it.
   *
   * @param values The summed contributions, flat, in the order given.
   */
  protected mergeDeviceState(values: Float32Array): void {
    throw new TypeError(
      `Cannot merge the device state of ${this.name} as ${this.constructor.name} does not override mergeDeviceState: received ${values.length} values`,
    );
  }

  /**
   * Reads what is still on the device synchronously: subclasses call it
   * first in `result()`, so that a result read outside the trainer is whole.
   * On a backend that reads asynchronously only, it fails with a message
   * saying to await {@link Metric.readDeviceStates} first.
   */
  protected settleDeviceState(): void {
    const pending = this.#deviceState;
    if (pending === null) return;
    const values = Float32Array.from(
      readNow(
        pending,
        `read the result of ${this.name} before "await Metric.readDeviceStates([metric])"`,
      ),
    );
    this.#deviceState = null;
    pending.dispose();
    this.mergeDeviceState(values);
  }

  /** Frees what is still on the device (for `resetState`), a part set aside too. */
  protected discardDeviceState(): void {
    this.#deviceState?.dispose();
    this.#deviceState = null;
    this.#asideState?.dispose();
    this.#asideState = null;
  }

  /** Contributions set aside by {@link Metric.withDeviceStatesAside}. */
  #asideState: tf.Tensor | null = null;

  /**
   * Takes the device-side state of several metrics for one asynchronous
   * read, without waiting: the metrics keep accumulating later batches on
   * the device from zero, and `merge` adds the values read to their
   * results. The caller reads `tensor` (`await tensor.data()`, alone or
   * within a larger read), calls `merge` with its values, and frees it.
   *
   * @param metrics The metrics.
   * @returns The states flattened into one tensor (owned by the caller) and
   *   their merge, or `null` when no metric has anything on the device.
   */
  static takeDeviceStates(
    metrics: readonly Metric[],
  ): { tensor: tf.Tensor; merge(values: Float32Array): void } | null {
    const pending = metrics.filter((m) => m.#deviceState !== null);
    if (pending.length === 0) return null;
    const states = pending.map((m) => m.#deviceState!);
    pending.forEach((m) => m.#deviceState = null);
    const sizes = states.map((t) => t.size);
    const tensor = states.length === 1 ? states[0] : tf.concat(states);
    if (tensor !== states[0]) states.forEach((t) => t.dispose());
    return {
      tensor,
      merge(values: Float32Array): void {
        let offset = 0;
        pending.forEach((m, i) => {
          m.mergeDeviceState(values.subarray(offset, offset + sizes[i]));
          offset += sizes[i];
        });
      },
    };
  }

  /**
   * Runs `fn` with the metrics' device-side states set aside, so that
   * `result()` gives what has been read (and reads nothing); the states
   * return after, with whatever `fn` added. For the trainer's hooks while a
   * later read is under way on a backend that reads asynchronously.
   *
   * @param metrics The metrics.
   * @param fn What to run.
   * @returns What `fn` returns.
   */
  static async withDeviceStatesAside<T>(
    metrics: readonly Metric[],
    fn: () => Promise<T>,
  ): Promise<T> {
    const aside = metrics.filter((m) => m.#deviceState !== null);
    for (const m of aside) {
      m.#asideState = m.#deviceState;
      m.#deviceState = null;
    }
    try {
      return await fn();
    } finally {
      for (const m of aside) {
        const kept = m.#asideState; // null when fn reset the metric
        m.#asideState = null;
        if (kept === null) continue;
        const added = m.#deviceState;
        m.#deviceState = added === null ? kept : tf.keep(tf.add(kept, added));
        if (added !== null) {
          kept.dispose();
          added.dispose();
        }
      }
    }
  }

  /**
   * Reads the device-side state of several metrics with one asynchronous
   * read (`await tensor.data()`) and merges it into their results; metrics
   * with nothing on the device are left as they are.
   *
   * @param metrics The metrics.
   * @returns A promise that resolves once every result is up to date.
   * @example
   * ```ts
   * import { tf } from "../engine/tf.ts";
   * import { Mean } from "./mean.ts";
   * const m = new Mean();
   * m.updateState(tf.tensor1d([1, 2, 3]));
   * await Metric.readDeviceStates([m]);
   * console.log(m.result()); // 2
   * ```
   */
  static async readDeviceStates(metrics: readonly Metric[]): Promise<void> {
    const taken = Metric.takeDeviceStates(metrics);
    if (taken === null) return;
    let values: Float32Array;
    try {
      values = Float32Array.from(await taken.tensor.data());
    } finally {
      taken.tensor.dispose();
    }
    taken.merge(values);
  }

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
