/**
 * Runs one PyTorch reference case of `_resample_reference.ts` on a backend:
 * the layer from its name and options, the input and probe rebuilt from the
 * generator's formula, output and input gradient compared to float32
 * tolerance, and no tensor left behind.
 *
 * @module
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { layers } from "../../mod.ts";
import type { Layer } from "../../engine/layer.ts";
import type { ResampleCase } from "./_resample_reference.ts";

/** `scale · sin(i · step + phase)` rounded to float32: the generator's `values`. */
export function formulaValues(n: number, scale: number, phase: number, step = 0.37): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(scale * Math.sin(i * step + phase));
  return out;
}

/** Asserts `actual` equals `expected` within float32 tolerance. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = 2e-6,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const tol = rtol * Math.abs(expected[i]) + 2e-7 * Math.max(1, scale);
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `${what}[${i}]: ${actual[i]} vs PyTorch ${expected[i]}`,
    );
  }
}

/**
 * Checks one reference case on the active backend.
 *
 * @param c The case.
 */
export function checkReferenceCase(c: ResampleCase): void {
  const before = tf.memory().numTensors;
  const Cls = (layers as unknown as Record<string, new (o: unknown) => Layer>)[c.layer];
  const layer = new Cls(c.options);
  const n = c.inputShape.reduce((a, b) => a * b, 1);
  const m = c.outputShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(formulaValues(n, 1, 0.5), c.inputShape);
  const w = tf.tensor(formulaValues(m, 0.8, 1.3, 0.53), c.outputShape);
  const y = layer.apply(x);
  assert.deepEqual(y.shape, c.outputShape, `${c.name} (${tf.getBackend()}): shape`);
  assertClose(y.dataSync(), c.output, `${c.name} (${tf.getBackend()}): output`);
  const g = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(layer.apply(u), w)))(x);
  assertClose(g.dataSync(), c.grad, `${c.name} (${tf.getBackend()}): input gradient`);
  tf.dispose([x, w, y, g]);
  layer.dispose();
  assert.equal(tf.memory().numTensors, before, `${c.name}: tensors leaked`);
}

/**
 * Runs `body` on `backend` and restores the previous backend.
 *
 * @param backend `"cpu"` or `"kerno"`.
 * @param body The checks.
 */
export async function onBackend(backend: string, body: () => void): Promise<void> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    body();
  } finally {
    await tf.setBackend(previous);
  }
}
