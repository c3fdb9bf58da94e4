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

/**
 * Returns a variable name that TensorFlow.js has not registered yet.
 *
 * @param base The wanted name, e.g. `"dense/kernel"`.
 * @returns `base`, or `base_1`, `base_2`, … when taken.
 */
export function uniqueVariableName(base: string): string {
  const taken = tf.engine().registeredVariables;
  if (!(base in taken)) return base;
  let i = 1;
  while (`${base}_${i}` in taken) i++;
  return `${base}_${i}`;
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
