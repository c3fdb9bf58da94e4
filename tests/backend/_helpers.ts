/**
 * Shared helpers for the backend tests: seeded random tensors, running the
 * same computation on the `cpu` and `kerno` backends, closeness checks and
 * central finite differences.
 *
 * @module
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { blasStatus } from "../../backend/mod.ts";

/**
 * For `Deno.test`'s `ignore`: whether to skip some tests, printing one line
 * saying which and why when they are skipped. Call it once per group of
 * tests, at the top of the file, so the line is printed once.
 *
 * @param what The tests skipped, e.g. `"conv2D's BLAS tests"`.
 * @param reason Why they cannot run here, or `null` when they can.
 * @returns `true` when the tests are to be skipped.
 */
export function skipBecause(what: string, reason: string | null): boolean {
  if (reason === null) return false;
  console.log(`skipping ${what}: ${reason}`);
  return true;
}

/**
 * For `Deno.test`'s `ignore`: whether no CBLAS loaded (no `--allow-ffi`, no
 * library, or `KERNO_BLAS=none`), printing once one line saying which tests
 * are skipped and why.
 *
 * @param what The tests that need BLAS, e.g. `"conv2D's BLAS tests"`.
 * @returns `true` when BLAS is missing and the tests are to be skipped.
 */
export function skipWithoutBlas(what: string): boolean {
  const status = blasStatus();
  return skipBecause(what, status.available ? null : status.reason);
}

/**
 * Seeded uniform values in `[-1, 1)` (a small linear congruential generator,
 * independent of TensorFlow.js's random ops).
 *
 * @param n How many values.
 * @param seed The seed.
 * @returns The values.
 */
export function randomValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** A value description that can be rebuilt as a tensor on any backend. */
export interface Spec {
  /** The tensor's shape. */
  shape: number[];
  /** Its values. */
  values: Float32Array | Int32Array;
}

/**
 * A seeded random float32 spec.
 *
 * @param shape The shape.
 * @param seed The seed.
 * @returns The spec.
 */
export function rand(shape: number[], seed: number): Spec {
  return { shape, values: randomValues(shape.reduce((p, d) => p * d, 1), seed) };
}

/**
 * Builds a tensor from a spec on the active backend.
 *
 * @param spec The spec.
 * @returns A new tensor.
 */
export function make(spec: Spec): tf.Tensor {
  const dtype = spec.values instanceof Int32Array ? "int32" : "float32";
  return tf.tensor(spec.values.slice(), spec.shape, dtype);
}

/**
 * Runs `fn` on a backend inside `tf.tidy` and returns copies of its outputs;
 * restores the `cpu` backend afterwards.
 *
 * @param backend The backend's name.
 * @param fn The computation.
 * @returns The outputs' values and shapes.
 */
export async function runOn(
  backend: string,
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<{ values: Float32Array[]; shapes: number[][] }> {
  await tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const result = fn();
      const list = Array.isArray(result) ? result : [result];
      return {
        values: list.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>)),
        shapes: list.map((t) => t.shape),
      };
    });
  } finally {
    await tf.setBackend("cpu");
  }
}

/**
 * Runs `body` with `kerno` as the current backend, asserts it left no tensor
 * behind, and restores the backend that was current before.
 *
 * @param body The test's work (it disposes what it creates).
 * @returns When `body` has finished and the backend is restored.
 */
export async function onKerno(body: () => void | Promise<void>): Promise<void> {
  const previous = tf.getBackend();
  await tf.setBackend("kerno");
  try {
    const before = tf.memory().numTensors;
    await body();
    assert.equal(tf.memory().numTensors, before);
  } finally {
    if (previous) await tf.setBackend(previous); // (none yet when the first test of a file runs alone)
  }
}

/**
 * Asserts two arrays agree elementwise within `atol + rtol·|expected|`.
 *
 * @param actual The values under test.
 * @param expected The reference values.
 * @param tol Absolute and relative tolerance.
 * @param what A label for the failure message.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-4,
  what = "values",
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e || (Number.isNaN(e) && Number.isNaN(a))) continue;
    const ok = Math.abs(a - e) <= tol + tol * Math.abs(e);
    assert.ok(ok, `${what}[${i}]: got ${a}, expected ${e} (tolerance ${tol})`);
  }
}

/**
 * Runs `fn` on `cpu` and on `kerno` and asserts the outputs agree, shapes
 * included; also checks kerno left no tensor behind.
 *
 * @param fn The computation.
 * @param tol The tolerance.
 * @param what A label.
 */
export async function assertSameAsCpu(
  fn: () => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
  what = "values",
): Promise<void> {
  const before = tf.memory().numTensors;
  const cpu = await runOn("cpu", fn);
  const kerno = await runOn("kerno", fn);
  assert.equal(tf.memory().numTensors, before, `${what}: tensors leaked`);
  assert.deepEqual(kerno.shapes, cpu.shapes, `${what}: shapes`);
  cpu.values.forEach((v, i) => assertClose(kerno.values[i], v, tol, `${what} #${i}`));
}

/**
 * Central finite differences of a scalar function of one input, at a few
 * coordinates, computed on the active backend.
 *
 * @param f The scalar function.
 * @param x The point (not modified).
 * @param coords The coordinates to perturb.
 * @param eps The step.
 * @returns The estimated partial derivatives at `coords`.
 */
export function finiteDifferences(
  f: (x: tf.Tensor) => tf.Scalar,
  x: Spec,
  coords: number[],
  eps = 1e-3,
): number[] {
  return coords.map((c) => {
    const plus = { shape: x.shape, values: Float32Array.from(x.values) };
    const minus = { shape: x.shape, values: Float32Array.from(x.values) };
    plus.values[c] += eps;
    minus.values[c] -= eps;
    const fp = tf.tidy(() => f(make(plus)).dataSync()[0]);
    const fm = tf.tidy(() => f(make(minus)).dataSync()[0]);
    return (fp - fm) / (2 * eps);
  });
}

/**
 * Checks `tf.grad(f)` on the kerno backend against the cpu backend's gradient
 * and against finite differences at a few coordinates.
 *
 * @param f The scalar function of one tensor.
 * @param x The point.
 * @param tol Tolerance against the cpu gradient.
 * @param fdTol Tolerance against the finite differences.
 * @param what A label.
 * @param compareCpu Whether to compare with the cpu backend (false where it is known to differ).
 */
export async function assertGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x: Spec,
  tol = 1e-4,
  fdTol = 2e-2,
  what = "gradient",
  compareCpu = true,
): Promise<void> {
  const before = tf.memory().numTensors;
  const grad = () => tf.grad(f)(make(x));
  const kerno = await runOn("kerno", grad);
  if (compareCpu) {
    const cpu = await runOn("cpu", grad);
    assertClose(kerno.values[0], cpu.values[0], tol, `${what} vs cpu`);
  }
  const n = x.values.length;
  const coords = [...new Set([0, n - 1, Math.floor(n / 2), Math.floor(n / 3), Math.floor(n / 7)])];
  await tf.setBackend("kerno");
  try {
    const fd = finiteDifferences(f, x, coords);
    assertClose(coords.map((c) => kerno.values[0][c]), fd, fdTol, `${what} vs finite differences`);
  } finally {
    await tf.setBackend("cpu");
  }
  assert.equal(tf.memory().numTensors, before, `${what}: tensors leaked`);
}

/**
 * A fixed random projection `Σ out · r`, to turn any tensor into a scalar
 * loss whose gradient is not uniform.
 *
 * @param out The tensor.
 * @param seed The projection's seed.
 * @returns The scalar.
 */
export function project(out: tf.Tensor, seed = 99): tf.Scalar {
  const r = tf.tensor(randomValues(out.size, seed), out.shape);
  return tf.sum(tf.mul(out, r)) as tf.Scalar;
}
