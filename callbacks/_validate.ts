/**
 * Argument checks shared by the callbacks' constructors.
 *
 * @module
 */

/**
 * Checks a non-negative integer option (patience, cooldown, epochs).
 *
 * @param owner The class name, for the message.
 * @param name The option's name.
 * @param value The value received.
 * @returns The value.
 */
export function nonNegativeInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot create ${owner} as "${name}" must be a non-negative integer: received ${
        String(value)
      }`,
    );
  }
  return value;
}

/**
 * Checks a finite number option, optionally >= 0.
 *
 * @param owner The class name, for the message.
 * @param name The option's name.
 * @param value The value received.
 * @param nonNegative Whether negative values are refused.
 * @returns The value.
 */
export function finiteNumber(
  owner: string,
  name: string,
  value: unknown,
  nonNegative: boolean,
): number {
  if (typeof value !== "number" || !Number.isFinite(value) || (nonNegative && value < 0)) {
    throw new RangeError(
      `Cannot create ${owner} as "${name}" must be a finite number${
        nonNegative ? " >= 0" : ""
      }: received ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks a boolean option.
 *
 * @param owner The class name, for the message.
 * @param name The option's name.
 * @param value The value received.
 * @returns The value.
 */
export function boolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(
      `Cannot create ${owner} as "${name}" must be true or false: received ${String(value)}`,
    );
  }
  return value;
}
