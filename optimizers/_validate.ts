/**
 * Argument checks shared by the optimizers and the learning-rate schedules.
 * Every check throws a built-in error worded as
 * `Cannot create Adam as "beta1" must be a number in [0, 1): received 1`.
 *
 * @module
 */

/** Bounds of an allowed interval; `open` ends exclude their value. */
export interface Interval {
  /** Lower bound. */
  min: number;
  /** Upper bound. */
  max: number;
  /** Whether `min` itself is excluded. */
  minOpen?: boolean;
  /** Whether `max` itself is excluded. */
  maxOpen?: boolean;
}

function describe(interval: Interval): string {
  const left = interval.minOpen ? "(" : "[";
  const right = interval.maxOpen ? ")" : "]";
  const max = interval.max === Infinity ? "Infinity" : String(interval.max);
  return `${left}${interval.min}, ${max}${right}`;
}

/**
 * Throws unless `value` is a finite number inside `interval`.
 *
 * @param owner The thing being built, as in "Cannot create SGD".
 * @param arg The argument's name.
 * @param value The value received.
 * @param interval The allowed interval.
 * @returns The value, for chaining.
 */
export function checkNumber(
  owner: string,
  arg: string,
  value: unknown,
  interval: Interval,
): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(
      `Cannot create ${owner} as "${arg}" must be a number in ${describe(interval)}: received ${
        String(value)
      }`,
    );
  }
  const below = interval.minOpen ? value <= interval.min : value < interval.min;
  const above = interval.maxOpen ? value >= interval.max : value > interval.max;
  if (below || above || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot create ${owner} as "${arg}" must be a finite number in ${
        describe(interval)
      }: received ${value}`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is an integer of at least `min`.
 *
 * @param owner The thing being built.
 * @param arg The argument's name.
 * @param value The value received.
 * @param min The smallest allowed integer.
 * @returns The value, for chaining.
 */
export function checkInteger(owner: string, arg: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    const Err = typeof value === "number" ? RangeError : TypeError;
    throw new Err(
      `Cannot create ${owner} as "${arg}" must be an integer >= ${min}: received ${String(value)}`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is a boolean.
 *
 * @param owner The thing being built.
 * @param arg The argument's name.
 * @param value The value received.
 * @returns The value, for chaining.
 */
export function checkBoolean(owner: string, arg: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(
      `Cannot create ${owner} as "${arg}" must be true or false: received ${String(value)}`,
    );
  }
  return value;
}
