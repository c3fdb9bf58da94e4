/**
 * Option checks shared by the layers' constructors. Every failure names the
 * layer class, the argument, the value received and what was expected.
 *
 * @module
 */

/** A short, JSON-like rendering of a received value. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  return String(value);
}

function fail(
  kind: "type" | "range",
  cls: string,
  arg: string,
  want: string,
  value: unknown,
): never {
  const message = `Cannot build ${cls} as "${arg}" must be ${want}: received ${show(value)}`;
  throw kind === "type" ? new TypeError(message) : new RangeError(message);
}

/** Checks a positive integer (a count or a size). */
export function positiveInt(cls: string, arg: string, value: unknown): number {
  if (typeof value !== "number") fail("type", cls, arg, "a positive integer", value);
  if (!Number.isInteger(value) || value <= 0) fail("range", cls, arg, "a positive integer", value);
  return value;
}

/** Checks an optional boolean, returning the default when it is undefined. */
export function bool(cls: string, arg: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") fail("type", cls, arg, "a boolean", value);
  return value;
}

/** Checks an optional finite number in [min, max] (or [min, max) when `maxOpen`). */
export function numberIn(
  cls: string,
  arg: string,
  value: unknown,
  fallback: number,
  range: { min: number; max: number; minOpen?: boolean; maxOpen?: boolean },
): number {
  if (value === undefined) return fallback;
  const want = `a number in ${range.minOpen ? "(" : "["}${range.min}, ${range.max}${
    range.maxOpen ? ")" : "]"
  }`;
  if (typeof value !== "number") fail("type", cls, arg, want, value);
  const low = range.minOpen ? value > range.min : value >= range.min;
  const high = range.maxOpen ? value < range.max : value <= range.max;
  if (!(low && high)) fail("range", cls, arg, want, value);
  return value;
}

/** Checks a positive integer or a list of `n` of them; returns the list. */
export function intTuple(cls: string, arg: string, value: unknown, n: number): number[] {
  const want = n === 1
    ? "a positive integer or a list of one"
    : `a positive integer or a list of ${n} positive integers`;
  const list = typeof value === "number" ? new Array(n).fill(value) : value;
  if (!Array.isArray(list)) fail("type", cls, arg, want, value);
  if (list.length !== n || list.some((d) => !Number.isInteger(d) || d <= 0)) {
    fail("range", cls, arg, want, value);
  }
  return [...list] as number[];
}

/** Checks a padding mode against the allowed ones (case-insensitive, as Keras). */
export function paddingMode<T extends string>(
  cls: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (value === undefined) return allowed[0];
  const want = `one of ${allowed.map((a) => `"${a}"`).join(", ")}`;
  if (typeof value !== "string") fail("type", cls, "padding", want, value);
  const lower = value.toLowerCase() as T;
  if (!allowed.includes(lower)) fail("range", cls, "padding", want, value);
  return lower;
}

/** Checks an axis given as an integer (negative counts from the end). */
export function axisInt(cls: string, arg: string, value: unknown): number {
  if (typeof value !== "number") fail("type", cls, arg, "an integer axis", value);
  if (!Number.isInteger(value) || value === 0) {
    fail("range", cls, arg, "a non-zero integer axis (the batch axis cannot be normalised)", value);
  }
  return value;
}

/** Throws the standard error for an option of the wrong kind. */
export function badOption(cls: string, arg: string, want: string, value: unknown): never {
  fail("type", cls, arg, want, value);
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
 * Throws when a pooling layer's input is not `[batch, steps, channels]`
 * (1-D) or `[batch, rows, cols, channels]` (2-D).
 *
 * @param layer The layer, for the message.
 * @param inputShape The input shape given to `build`.
 * @param rank 1 or 2: the number of spatial axes.
 */
export function checkPoolingRank(
  layer: { name: string; constructor: { name: string } },
  inputShape: readonly (number | null)[],
  rank: number,
): void {
  if (inputShape.length !== rank + 2) {
    throw new RangeError(
      `Cannot build ${layer.name} (${layer.constructor.name}) as its input must have rank ${
        rank + 2
      } (batch, ${rank === 1 ? "steps" : "rows, cols"}, channels): received [${inputShape}]`,
    );
  }
}
