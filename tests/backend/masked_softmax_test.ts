/**
 * kerno's replacement of the seam's `maskedSoftmax` against the plain
 * definition: broadcast masks (query, key, causal shapes), a fully masked
 * row (all zeros, as Keras's Softmax layer), and the gradient.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { plainFusedOps } from "../../engine/fused.ts";
import { KERNO_FUSED_OPS } from "../../backend/fused_ops.ts";
import { randomValues } from "./_helpers.ts";

const rnd = (shape: number[], seed: number) =>
  tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * 4), shape);

function keepMask(shape: number[], seed: number): tf.Tensor {
  const v = randomValues(shape.reduce((a, b) => a * b, 1), seed).map((x) => (x > -0.4 ? 1 : 0));
  return tf.tensor(v, shape);
}

Deno.test("maskedSoftmax fused equals the plain definition, values and gradients, broadcast masks included", async () => {
  const previous = tf.getBackend() ?? "kerno";
  await tf.setBackend("kerno");
  try {
    const logitsShape = [2, 3, 4, 5];
    const cases: (tf.Tensor | null)[] = [
      keepMask(logitsShape, 1), // full
      keepMask([2, 1, 1, 5], 2), // key padding
      keepMask([1, 1, 4, 5], 3), // causal-like
      tf.tensor([1, 1, 0, 0, 0], [1, 1, 1, 5]),
    ];
    // A row with nothing kept: all zeros (and no gradient).
    const none = tf.ones(logitsShape).bufferSync();
    for (let j = 0; j < 5; j++) none.set(0, 1, 2, 3, j);
    cases.push(none.toTensor());
    cases.push(null); // no mask: a plain softmax
    const x = rnd(logitsShape, 9);
    const w = rnd(logitsShape, 10);
    for (const keep of cases) {
      const run = (impl: (l: tf.Tensor, k: tf.Tensor | null) => tf.Tensor | null) =>
        tf.tidy(() => {
          const f = (l: tf.Tensor) => tf.sum(tf.mul(impl(l, keep)!, w));
          return [impl(x, keep)!, tf.grad(f)(x)].map((t) => Array.from(t.dataSync()));
        });
      const want = run(plainFusedOps.maskedSoftmax);
      const got = run(KERNO_FUSED_OPS.maskedSoftmax!);
      for (const k of [0, 1]) {
        want[k].forEach((v, i) =>
          assert.ok(
            Math.abs(got[k][i] - v) <= 1e-6,
            `${k ? "grad" : "value"}[${i}] ${got[k][i]} vs ${v}`,
          )
        );
      }
    }
    const masked = tf.tidy(() =>
      Array.from(KERNO_FUSED_OPS.maskedSoftmax!(x, cases[4])!.dataSync())
    );
    assert.deepEqual(masked.slice(-5), [0, 0, 0, 0, 0]);
    tf.dispose([x, w, ...cases.filter((c) => c !== null)]);
  } finally {
    await tf.setBackend(previous);
  }
});
