/**
 * What one step of `fit`, `evaluate` and `predict` receives and returns:
 * Keras's packed batch (`x`, `[x, y]` or `[x, y, sampleWeight]`) and the
 * logs a step returns, and how the trainer tells a model's own step from
 * the default one.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { LayerInputs } from "./layer_inputs.ts";
import type { Logs } from "../callbacks/callback.ts";

/**
 * One batch as a step receives it, packed as Keras packs it: `x` alone when
 * the data hold no targets (`[x]` when `x` is itself an array), `[x, y]`, or
 * `[x, y, sampleWeight]`.
 */
export type StepData =
  | LayerInputs
  | [LayerInputs]
  | [LayerInputs, LayerInputs | null]
  | [LayerInputs, LayerInputs | null, tf.Tensor | null];

/**
 * What `trainStep` and `testStep` return: log values by name, as numbers
 * (a metric's `result()`), arrays of numbers (logged as `<name>_0`,
 * `<name>_1`, …) or tensors (read once, when the step ends).
 */
export type StepLogs = Record<string, number | number[] | tf.Tensor>;

/**
 * Packs a batch as Keras's `pack_x_y_sample_weight` does.
 *
 * @param x The inputs.
 * @param y The targets, or `null`.
 * @param sampleWeight Per-sample weights, or `null`.
 * @returns `x` (or `[x]` for an array `x`), `[x, y]` or `[x, y, sampleWeight]`.
 */
export function packXYSampleWeight(
  x: LayerInputs,
  y: LayerInputs | null,
  sampleWeight: tf.Tensor | null,
): StepData {
  if (y === null && sampleWeight === null) return Array.isArray(x) ? [x] : x;
  if (sampleWeight === null) return [x, y];
  return [x, y, sampleWeight];
}

/**
 * Unpacks a step's data as Keras's `unpack_x_y_sample_weight` does.
 *
 * @param data What the step received.
 * @returns `[x, y, sampleWeight]`, `null` for what the data do not hold.
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * const x = tf.ones([2, 3]);
 * const [inputs, targets] = unpackXYSampleWeight([x, tf.zeros([2, 1])]);
 * console.log(inputs === x, targets?.toString() !== undefined); // true true
 * ```
 */
export function unpackXYSampleWeight(
  data: StepData,
): [LayerInputs, LayerInputs | null, tf.Tensor | null] {
  if (!Array.isArray(data)) return [data, null, null]; // x alone (a tensor or a record)
  if (data.length < 1 || data.length > 3) {
    throw new TypeError(
      `Cannot unpack the step's data as an array must be [x], [x, y] or [x, y, sampleWeight]: received ${data.length} elements`,
    );
  }
  const [x, y, sampleWeight] = data as [LayerInputs, (LayerInputs | null)?, (tf.Tensor | null)?];
  return [x, y ?? null, sampleWeight ?? null];
}

/**
 * The number of samples in a batch of inputs (the first axis of its first tensor).
 *
 * @param x The inputs.
 * @returns The batch size.
 */
export function batchSizeOf(x: LayerInputs): number {
  const first = x instanceof tf.Tensor ? x : Array.isArray(x) ? x[0] : Object.values(x)[0];
  return first?.shape[0] ?? 0;
}

/**
 * Whether `object` runs its own `name` rather than the base definition (the
 * one on the topmost class of its prototype chain that defines `name`): a
 * subclass's `trainStep` override, or one assigned on the instance.
 *
 * @param object A model.
 * @param name A method name.
 * @returns `true` when the method is overridden.
 */
export function overrides(object: object, name: string): boolean {
  let base: Record<string, unknown> | null = null;
  for (let p = Object.getPrototypeOf(object); p !== null; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, name)) base = p;
  }
  return base !== null && (object as Record<string, unknown>)[name] !== base[name];
}

/**
 * Reads what a step returned into plain numbers (inside the step's
 * `tf.tidy`, so its tensors are freed right after): scalars as numbers,
 * longer values as `<name>_0`, `<name>_1`, ….
 *
 * @param out The step's return value.
 * @param step Which step, for the error message.
 * @param read Whether to read the values; `false` only checks the form.
 * @returns The logs (`{}` when not read).
 */
export function readStepLogs(
  out: StepLogs | undefined | null,
  step: string,
  read = true,
): Logs {
  if (out === undefined || out === null) return {};
  if (typeof out !== "object" || Array.isArray(out) || out instanceof tf.Tensor) {
    throw new TypeError(
      `Cannot read the logs of ${step} as it must return a record of numbers or scalar tensors ({ loss: value, … }): received ${
        out instanceof tf.Tensor ? "a tensor" : Array.isArray(out) ? "an array" : typeof out
      }`,
    );
  }
  const logs: Logs = {};
  if (!read) return logs;
  for (const [name, value] of Object.entries(out)) {
    const values = typeof value === "number"
      ? value
      : value instanceof tf.Tensor
      ? (value.size === 1 ? value.dataSync()[0] : Array.from(value.dataSync()))
      : Array.isArray(value)
      ? value
      : null;
    if (values === null) continue; // strings and other values are not logged
    if (typeof values === "number") logs[name] = values;
    else values.forEach((v, i) => logs[`${name}_${i}`] = v);
  }
  return logs;
}
