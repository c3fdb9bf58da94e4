import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";

/** Asserts every value is within `tol` (absolute + relative) of the expected one. */
export function assertClose(
  actual: ArrayLike<number> | number,
  expected: number[] | number,
  tol = 1e-5,
): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : expected;
  assert.equal(a.length, e.length, `length ${a.length} != ${e.length}: [${a}] vs [${e}]`);
  for (let i = 0; i < e.length; i++) {
    assert.ok(
      Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])),
      `index ${i}: ${a[i]} != ${e[i]} (got [${a}], expected [${e}])`,
    );
  }
}

/** Reads a tensor's values and disposes it. */
export function take(t: tf.Tensor): number[] {
  const values = Array.from(t.dataSync());
  t.dispose();
  return values;
}

/** Runs `fn` inside tf.tidy-free code and asserts the tensor count is unchanged after. */
export function noLeaks(fn: () => void): void {
  const before = tf.memory().numTensors;
  fn();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
}

export const EPS = 1e-7;
export const clip = (p: number): number => Math.min(Math.max(p, EPS), 1 - EPS);
export const bceProb = (z: number, p: number): number =>
  -(z * Math.log(clip(p)) + (1 - z) * Math.log(1 - clip(p)));
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
