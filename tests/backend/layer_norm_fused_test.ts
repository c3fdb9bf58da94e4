/**
 * kerno's replacement of the seam's `layerNormalization` against the plain
 * definition: values and gradients (input, gamma, beta), with and without
 * gamma and beta (each alone too), on ranks 2 and 3, sizes that fill the SIMD lanes and not.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { plainFusedOps } from "../../engine/fused.ts";
import { KERNO_FUSED_OPS } from "../../backend/fused_ops.ts";
import { randomValues, skipWithoutBlas } from "./_helpers.ts";
import { blas } from "../../backend/_blas.ts";

const rnd = (shape: number[], seed: number, scale = 2) =>
  tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * scale), shape);

Deno.test("layerNormalization fused equals the plain definition, gradients included", async () => {
  const previous = tf.getBackend() ?? "kerno";
  await tf.setBackend("kerno");
  try {
    for (const shape of [[5, 7], [2, 3, 6], [3, 8]]) {
      const n = shape[shape.length - 1];
      const x = rnd(shape, 1);
      const w = rnd(shape, 2);
      for (
        const [g, b] of [[rnd([n], 3), rnd([n], 4)], [null, null], [rnd([n], 5), null], [
          null,
          rnd([n], 6),
        ]]
      ) {
        const run = (impl: typeof plainFusedOps.layerNormalization) =>
          tf.tidy(() => {
            const params = [x, ...(g ? [g] : []), ...(b ? [b] : [])];
            const f = (...p: tf.Tensor[]) => {
              const gi = g ? p[1] : null;
              const bi = b ? p[g ? 2 : 1] : null;
              return tf.sum(tf.mul(impl(p[0], gi, bi, 1e-3)!, w));
            };
            const value = impl(x, g, b, 1e-3)!;
            return [value, ...tf.grads(f)(params)].map((t) => Array.from(t.dataSync()));
          });
        const want = run(plainFusedOps.layerNormalization);
        const got = run((...a) => KERNO_FUSED_OPS.layerNormalization!(...a)!);
        assert.equal(got.length, want.length);
        want.forEach((arr, k) =>
          arr.forEach((v, i) =>
            assert.ok(
              Math.abs(got[k][i] - v) <= 2e-5 * Math.max(1, Math.abs(v)),
              `${shape} #${k}[${i}]: ${got[k][i]} vs ${v}`,
            )
          )
        );
        tf.dispose([g ?? [], b ?? []]);
      }
      tf.dispose([x, w]);
    }
  } finally {
    await tf.setBackend(previous);
  }
});

Deno.test({
  name:
    "layerNormalization cut into pieces of rows for the second thread equals the plain definition, gradients included, and the second thread takes pieces",
  ignore: skipWithoutBlas("the shared layer normalization's test"),
  async fn() {
    const previous = tf.getBackend() ?? "kerno";
    await tf.setBackend("kerno");
    try {
      // 1,200 rows of 64 and 2,000 rows of 37: two pieces each (of at least 32 K floats).
      for (const shape of [[12, 100, 64], [2000, 37]]) {
        const n = shape[shape.length - 1];
        const [x, w, g, b] = [rnd(shape, 7), rnd(shape, 8), rnd([n], 9), rnd([n], 10)];
        const run = (impl: typeof plainFusedOps.layerNormalization) =>
          tf.tidy(() => {
            const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) =>
              tf.sum(tf.mul(impl(xi, gi, bi, 1e-3)!, w));
            const value = impl(x, g, b, 1e-3)!;
            return [value, ...tf.grads(f)([x, g, b])].map((t) => Array.from(t.dataSync()));
          });
        const want = run(plainFusedOps.layerNormalization);
        const list = blas()!.productList();
        const before = list.workerProducts;
        for (let round = 0; list.workerProducts === before; round++) {
          assert.ok(round < 50, "the second thread took no piece in 50 rounds");
          const got = run((...a) => KERNO_FUSED_OPS.layerNormalization!(...a)!);
          want.forEach((arr, k) =>
            arr.forEach((v, i) =>
              assert.ok(
                Math.abs(got[k][i] - v) <= 1e-4 * Math.max(1, Math.abs(v)),
                `${shape} #${k}[${i}]: ${got[k][i]} vs ${v}`,
              )
            )
          );
        }
        tf.dispose([x, w, g, b]);
      }
    } finally {
      await tf.setBackend(previous);
    }
  },
});
