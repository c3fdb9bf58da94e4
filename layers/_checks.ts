/**
 * Layer geometry: kernel/stride tuples, padding modes, axes and output
 * lengths. Their argument checks throw through
 * `engine/validate.ts`, so every failure reads
 * `Cannot build Conv2D as "kernelSize" must be ...: received ...`.
 *
 * @module
 */
import { oneOf, reject } from "../engine/validate.ts";
import { rejectPositional } from "../engine/options.ts";

/** Checks a positive integer or a list of `n` of them; returns the list. */
export function intTuple(what: string, arg: string, value: unknown, n: number): number[] {
  const want = n === 1
    ? "a positive integer or a list of one"
    : `a positive integer or a list of ${n} positive integers`;
  const list = typeof value === "number" ? new Array(n).fill(value) : value;
  if (!Array.isArray(list)) reject(what, arg, value, want);
  if (list.length !== n || list.some((d) => !Number.isInteger(d) || d <= 0)) {
    reject(what, arg, value, want, RangeError);
  }
  return [...list] as number[];
}

/** Checks a padding mode against the allowed ones (case-insensitive, as Keras). */
export function paddingMode<T extends string>(
  what: string,
  arg: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (value === undefined) return allowed[0];
  const lower = typeof value === "string" ? value.toLowerCase() : value;
  return allowed.includes(lower as T) ? lower as T : oneOf(what, arg, value, allowed);
}

/** Checks an axis given as an integer (negative counts from the end). */
export function axisInt(what: string, arg: string, value: unknown): number {
  if (typeof value !== "number") reject(what, arg, value, "an integer axis");
  if (!Number.isInteger(value) || value === 0) {
    const want = "a non-zero integer axis (the batch axis cannot be normalised)";
    reject(what, arg, value, want, RangeError);
  }
  return value;
}

/**
 * Checks an `axis` option of the normalisation layers: one non-zero integer
 * or a non-empty list of them (negative counts from the end).
 *
 * @param what What was being done, e.g. `"build LayerNormalization"`.
 * @param axis The option's value.
 * @returns The axis, or a copy of the list.
 */
export function axisOption(what: string, axis: number | number[]): number | number[] {
  if (!Array.isArray(axis)) return axisInt(what, "axis", axis);
  if (axis.length === 0) {
    reject(what, "axis", axis, "an integer or a non-empty list of integers", RangeError);
  }
  axis.forEach((a) => axisInt(what, "axis", a));
  return [...axis];
}

/** Output length of a convolution or pooling window along one axis (Keras's formula). */
export function convOutputLength(
  length: number | null,
  kernel: number,
  padding: "valid" | "same" | "causal",
  stride: number,
  dilation = 1,
): number | null {
  if (length === null) return null;
  const span = (kernel - 1) * dilation + 1;
  const out = padding === "valid" ? length - span + 1 : length;
  return Math.floor((out + stride - 1) / stride);
}

/**
 * Reads the options argument of a layer whose Keras form takes a value
 * positionally there: `positional` turns such a value into options, or
 * returns `undefined` when it cannot, and the layer is refused with `how`,
 * the way to write it. Objects (and `undefined`) pass through to the base
 * `Layer`'s check of their keys.
 *
 * @param layer The layer's class name, for the message.
 * @param options The argument received.
 * @param positional Options for a positional value, or `undefined`.
 * @param how How to write it, e.g. `"new Conv2D(filters, kernelSize, { strides: 2 })"`.
 * @returns The options object.
 */
export function layerOptions<T extends object>(
  layer: string,
  options: unknown,
  positional: (value: unknown) => T | undefined,
  how: string,
): T {
  if (options === undefined) return {} as T;
  if (options !== null && typeof options === "object" && !Array.isArray(options)) {
    return options as T;
  }
  const converted = positional(options);
  if (converted === undefined) rejectPositional(`build ${layer}`, options, how);
  return converted;
}

/** Refuses every positional value: for layers whose Keras forms kerno takes as options. */
export function noPositional(): undefined {
  return undefined;
}
