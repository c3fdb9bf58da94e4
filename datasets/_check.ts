/**
 * Internal: argument checks shared by the helpers and generators, throwing
 * errors worded as `Cannot <what> as "<arg>" must be <expected>: received <v>`.
 *
 * @module
 */

/** Formats a received value for an error message. */
function show(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

/**
 * @param what What was being done, e.g. `"make moons"`.
 * @param name The argument's name.
 * @param value The value received.
 * @returns The value, checked to be a positive integer.
 */
export function positiveInteger(what: string, name: string, value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot ${what} as "${name}" must be a positive integer: received ${show(value)}`,
    );
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot ${what} as "${name}" must be a positive integer: received ${show(value)}`,
    );
  }
  return value;
}

/**
 * @param what What was being done.
 * @param name The argument's name.
 * @param value The value received.
 * @returns The value, checked to be a finite number >= 0.
 */
export function nonNegative(what: string, name: string, value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot ${what} as "${name}" must be a number >= 0: received ${show(value)}`,
    );
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot ${what} as "${name}" must be a finite number >= 0: received ${show(value)}`,
    );
  }
  return value;
}

/**
 * @param what What was being done.
 * @param value The seed received, or undefined.
 * @returns The seed, checked to be a finite number when given.
 */
export function optionalSeed(what: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(
      `Cannot ${what} as "seed" must be a finite number: received ${show(value)}`,
    );
  }
  return value;
}
