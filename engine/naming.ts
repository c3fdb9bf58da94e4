/**
 * Unique names for layers and variables, as Keras gives them: a layer of
 * class `Dense` is named `dense`, then `dense_1`, `dense_2`, …
 *
 * @module
 */
import { tf } from "./tf.ts";

const counters = new Map<string, number>();

/**
 * Converts a class name to Keras's snake_case form.
 *
 * @param name A class name such as `"BatchNormalization"` or `"Conv2D"`.
 * @returns The snake_case form: `"batch_normalization"`, `"conv2d"`.
 */
export function toSnakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * Returns a name not given out before: `prefix`, then `prefix_1`, `prefix_2`, …
 *
 * @param prefix The base name.
 * @returns A process-wide unique name.
 */
export function uniqueLayerName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

const variableCounters = new Map<string, number>();
const weightPaths = new WeakMap<tf.Variable, string>();

/**
 * Creates a layer weight's TensorFlow.js variable under a process-wide
 * unique engine name: the Keras path, a colon and a counter
 * (`dense/kernel:1`, `dense/kernel:2`, …). TensorFlow.js Layers never puts a
 * colon in its variable names (they match `[A-Za-z0-9][-A-Za-z0-9._/]*`), so
 * `tf.loadLayersModel` works in a process where kerno models exist, and the
 * reverse. The Keras path is remembered for `weightPath`.
 *
 * @param path The Keras path, e.g. `"dense/kernel"`.
 * @param initialValue The first value (copied).
 * @param trainable Whether gradients flow to it.
 * @returns The new variable.
 */
export function weightVariable(
  path: string,
  initialValue: tf.Tensor,
  trainable: boolean,
): tf.Variable {
  const taken = tf.engine().registeredVariables;
  let n = variableCounters.get(path) ?? 0;
  do n++; while (`${path}:${n}` in taken);
  variableCounters.set(path, n);
  const variable = tf.variable(initialValue, trainable, `${path}:${n}`);
  weightPaths.set(variable, path);
  return variable;
}

/**
 * The Keras path of a variable made by `weightVariable` (`"dense/kernel"`),
 * which saving, loading, weight decay's `varNames` and messages use; any
 * other variable's TensorFlow.js name.
 *
 * @param variable A variable.
 * @returns Its Keras path, or its name.
 */
export function weightPath(variable: tf.Variable): string {
  return weightPaths.get(variable) ?? variable.name;
}

/**
 * Whether a variable is a layer's weight made by `weightVariable` (through
 * `Layer.addWeight`), rather than one a user made with `tf.variable`.
 *
 * @param variable A variable.
 * @returns `true` for a layer weight.
 */
export function isLayerWeight(variable: tf.Variable): boolean {
  return weightPaths.has(variable);
}

/**
 * Normalises a Keras identifier so that snake_case, camelCase and class
 * names compare equal: `"binary_crossentropy"`, `"binaryCrossentropy"` and
 * `"BinaryCrossentropy"` all become `"binarycrossentropy"`.
 *
 * @param identifier The name given by the user.
 * @returns The lower-case name without underscores.
 */
export function normalizeIdentifier(identifier: string): string {
  return identifier.toLowerCase().replace(/_/g, "");
}
