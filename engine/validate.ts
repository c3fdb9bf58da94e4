/**
 * Internal: the one set of argument checks used by the engine, layers,
 * optimizers, callbacks, losses, metrics and datasets. Every check has the
 * same shape, `check(what, arg, value, ...)`, returns the value it accepted
 * and throws a built-in error worded as
 * `Cannot build Dense as "units" must be a positive integer: received 0`:
 * a `TypeError` when the value is of the wrong kind (a number check given a
 * string or `NaN`), a `RangeError` when it is of the right kind but out of
 * bounds.
 *
 * `what` is what was being done, as the message words it after "Cannot":
 * `"build Dense"`, `"create Adam"`, `"make moons"`, `"fit"`.
 *
 * @module
 */

/** Bounds of an allowed interval; `open` ends exclude their value. */
export interface Interval {
  /** Lower bound (`-Infinity` for none). */
  min: number;
  /** Upper bound (`Infinity` for none). */
  max: number;
  /** Whether `min` itself is excluded. */
  minOpen?: boolean;
  /** Whether `max` itself is excluded. */
  maxOpen?: boolean;
}

/** Any finite number. */
export const FINITE: Readonly<Interval> = { min: -Infinity, max: Infinity };

/** A finite number > 0. */
export const POSITIVE: Readonly<Interval> = { min: 0, max: Infinity, minOpen: true };

/** A finite number >= 0. */
export const NON_NEGATIVE: Readonly<Interval> = { min: 0, max: Infinity };

/**
 * A short, JSON-like rendering of a received value for a message.
 *
 * @param value Anything.
 * @returns Strings and arrays as JSON, functions by name, the rest as `String` gives them.
 */
export function show(value: unknown): string {
  if (typeof value === "string" || Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  return String(value);
}

/**
 * Throws the standard message for a bad argument.
 *
 * @param what What was being done, e.g. `"build Dense"`.
 * @param arg The argument's name.
 * @param value The value received.
 * @param want What was expected, e.g. `"a positive integer"`.
 * @param kind `TypeError` (the default) for a value of the wrong kind, `RangeError` for one out of bounds.
 * @returns Never.
 */
export function reject(
  what: string,
  arg: string,
  value: unknown,
  want: string,
  kind: typeof TypeError | typeof RangeError = TypeError,
): never {
  throw new kind(`Cannot ${what} as "${arg}" must be ${want}: received ${show(value)}`);
}

/**
 * Checks an integer of at least `min`.
 *
 * @param what What was being done.
 * @param arg The argument's name.
 * @param value The value received.
 * @param min The smallest allowed integer: 1 reads "a positive integer",
 *   0 "a non-negative integer", others "an integer >= min".
 * @returns The value.
 */
export function integer(what: string, arg: string, value: unknown, min: number): number {
  const want = min === 1
    ? "a positive integer"
    : min === 0
    ? "a non-negative integer"
    : `an integer >= ${min}`;
  if (typeof value !== "number") reject(what, arg, value, want);
  if (!Number.isInteger(value) || value < min) reject(what, arg, value, want, RangeError);
  return value;
}

/**
 * Checks a positive integer (a count or a size): `integer(what, arg, value, 1)`.
 *
 * @param what What was being done.
 * @param arg The argument's name.
 * @param value The value received.
 * @returns The value.
 */
export function positiveInt(what: string, arg: string, value: unknown): number {
  return integer(what, arg, value, 1);
}

/**
 * Checks a finite number inside `interval`.
 *
 * @param what What was being done.
 * @param arg The argument's name.
 * @param value The value received.
 * @param interval The allowed interval. @default FINITE
 * @param fallback Returned when `value` is `undefined` (`null` is still refused); without it,
 *   `undefined` is refused.
 * @returns The value.
 */
export function number(
  what: string,
  arg: string,
  value: unknown,
  interval: Interval = FINITE,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const want = describe(interval);
  if (typeof value !== "number" || Number.isNaN(value)) reject(what, arg, value, want);
  const low = interval.minOpen ? value > interval.min : value >= interval.min;
  const high = interval.maxOpen ? value < interval.max : value <= interval.max;
  if (!(low && high && Number.isFinite(value))) reject(what, arg, value, want, RangeError);
  return value;
}

/**
 * Checks an optional seed: `undefined` passes through (a seed is then drawn),
 * anything else must be a finite number.
 *
 * @param what What was being done.
 * @param arg The argument's name, usually `"seed"`.
 * @param value The value received.
 * @returns The seed or `undefined`.
 */
export function optionalSeed(what: string, arg: string, value: unknown): number | undefined {
  return value === undefined ? undefined : number(what, arg, value);
}

/**
 * Checks a boolean.
 *
 * @param what What was being done.
 * @param arg The argument's name.
 * @param value The value received.
 * @param fallback Returned when `value` is `undefined` (`null` is still refused); without it,
 *   `undefined` is refused.
 * @returns The value.
 */
export function boolean(what: string, arg: string, value: unknown, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "boolean") reject(what, arg, value, "true or false");
  return value;
}

/**
 * Checks a string among `allowed`.
 *
 * @param what What was being done.
 * @param arg The argument's name.
 * @param value The value received.
 * @param allowed The accepted strings.
 * @returns The value.
 */
export function oneOf<T extends string>(
  what: string,
  arg: string,
  value: unknown,
  allowed: readonly T[],
): T {
  const want = `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`;
  if (typeof value !== "string") reject(what, arg, value, want);
  if (!allowed.includes(value as T)) reject(what, arg, value, want, RangeError);
  return value as T;
}

/** "a number in [0, 1)", "a finite number >= 0", "a finite number > 0", "a finite number". */
function describe({ min, max, minOpen, maxOpen }: Interval): string {
  if (min === -Infinity && max === Infinity) return "a finite number";
  if (max === Infinity) return `a finite number ${minOpen ? ">" : ">="} ${min}`;
  if (min === -Infinity) return `a finite number ${maxOpen ? "<" : "<="} ${max}`;
  return `a number in ${minOpen ? "(" : "["}${min}, ${max}${maxOpen ? ")" : "]"}`;
}
