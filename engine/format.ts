/**
 * Text forms of shapes and values for tables and error messages.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { Shape } from "./layer.ts";

/**
 * Formats a shape as Keras prints it.
 *
 * @param shape A shape with null dimensions.
 * @returns Keras's printed form, e.g. `(None, 10)`.
 */
export function formatShape(shape: Shape): string {
  const parts = shape.map((d) => (d === null ? "None" : String(d)));
  return `(${parts.join(", ")}${parts.length === 1 ? "," : ""})`;
}

/**
 * A short description of a value for error messages.
 *
 * @param value Anything.
 * @returns E.g. `a float32 tensor of shape [2,3]`.
 */
export function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a ${value.dtype} tensor of shape [${value.shape}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return "null";
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  return `${typeof value} ${String(value)}`;
}
