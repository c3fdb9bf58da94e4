/**
 * kerno's replacement of the seam's `dotProductAttention` against the plain
 * definition (transposes, batched products, masked softmax): values and the
 * gradients of query, key and value, for sizes that fill the SIMD lanes and
 * sizes that leave a tail, and masks of every broadcast shape, a row with
 * nothing kept included.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { plainFusedOps } from "../../engine/fused.ts";
import { KERNO_FUSED_OPS } from "../../backend/fused_ops.ts";
import { assertClose, onKerno, randomValues, skipWithoutBlas } from "./_helpers.ts";

type Shape4 = [number, number, number, number];

const NO_BLAS = skipWithoutBlas("the fused attention's tests");
await tf.setBackend("kerno");

const rnd = (shape: number[], seed: number) =>
  tf.tensor4d(randomValues(shape.reduce((a, b) => a * b, 1), seed), shape as Shape4);

/** A 0/1 mask of `shape` keeping about 70% of the steps, with row 0 of the first block fully masked. */
function keepMask(shape: number[], seed: number): tf.Tensor4D {
  const v = randomValues(shape.reduce((a, b) => a * b, 1), seed).map((x) => (x > -0.4 ? 1 : 0));
  v.fill(0, 0, shape[3]);
  return tf.tensor4d(v, shape as Shape4);
}

const SIZES = [
  { batch: 2, time: 8, steps: 8, heads: 2, dim: 4, valueDim: 4 }, // whole lanes
  { batch: 3, time: 5, steps: 7, heads: 3, dim: 3, valueDim: 5 }, // tails everywhere, T ≠ S
  // Unmasked softmax rows go sixteen steps at a time, then four, then one: 37 meets each
  // part; 80 (the benchmark's) is whole blocks. A large scale makes the scores span more than
  // exp's range, so a wrong row maximum shows.
  { batch: 1, time: 3, steps: 37, heads: 2, dim: 4, valueDim: 3, scale: 300 },
  { batch: 1, time: 2, steps: 80, heads: 1, dim: 8, valueDim: 8, scale: 0.37 },
];

for (const size of SIZES) {
  const { batch, time, steps, heads, dim, valueDim } = size;
  const scale = size.scale ?? 0.37;
  Deno.test({
    name: `dotProductAttention fused equals the plain definition, gradients included (${
      JSON.stringify(size)
    })`,
    ignore: NO_BLAS,
    fn: () =>
      onKerno(() => {
        const q = rnd([batch, time, heads, dim], 1);
        const k = rnd([batch, steps, heads, dim], 2);
        const v = rnd([batch, steps, heads, valueDim], 3);
        const weights = rnd([batch, time, heads, valueDim], 4); // every output weighed differently
        const masks: (tf.Tensor4D | null)[] = [
          null,
          keepMask([batch, heads, time, steps], 5), // full
          keepMask([batch, 1, time, steps], 6), // per sample, all heads
          keepMask([batch, 1, 1, steps], 7), // key padding
          keepMask([1, 1, time, steps], 8), // causal-like
        ];
        for (const keep of masks) {
          const run = (impl: typeof plainFusedOps.dotProductAttention) =>
            tf.tidy(() => {
              const f = (qa: tf.Tensor, ka: tf.Tensor, va: tf.Tensor) =>
                tf.sum(tf.mul(
                  impl(qa as tf.Tensor4D, ka as tf.Tensor4D, va as tf.Tensor4D, keep, scale),
                  weights,
                ));
              const out = impl(q, k, v, keep, scale);
              return [out, ...tf.grads(f)([q, k, v])].map((t) => t.dataSync().slice());
            });
          const want = run(plainFusedOps.dotProductAttention);
          const got = run((...a) => {
            const out = KERNO_FUSED_OPS.dotProductAttention!(...a);
            assert.ok(out !== null, "kerno's replacement takes float32 on its backend");
            return out;
          });
          const label = keep === null ? "no mask" : `mask [${keep.shape}]`;
          ["output", "dQuery", "dKey", "dValue"].forEach((name, i) =>
            assertClose(got[i], want[i], 1e-5, `${name}, ${label}`)
          );
        }
        tf.dispose([q, k, v, weights, ...masks.filter((m) => m !== null)]);
      }),
  });
}

Deno.test({
  name: "dotProductAttention fused declines a mask that does not broadcast, and other backends",
  ignore: NO_BLAS,
  fn: async () => {
    await onKerno(() => {
      const q = rnd([1, 2, 1, 4], 1);
      const wrong = tf.ones([1, 1, 2, 1]) as tf.Tensor4D; // broadcast over the key steps: not taken
      assert.equal(KERNO_FUSED_OPS.dotProductAttention!(q, q, q, wrong, 1), null);
      tf.dispose([q, wrong]);
    });
    const previous = tf.getBackend();
    await tf.setBackend("cpu");
    try {
      const q = rnd([1, 2, 1, 4], 1);
      assert.equal(KERNO_FUSED_OPS.dotProductAttention!(q, q, q, null, 1), null);
      q.dispose();
    } finally {
      await tf.setBackend(previous);
    }
  },
});

for (
  const size of [{ batch: 2, time: 8, heads: 2, dim: 4 }, { batch: 3, time: 5, heads: 3, dim: 3 }]
) {
  const { batch, time, heads, dim } = size;
  Deno.test({
    name: `packedSelfAttention fused equals the plain definition, gradient included (${
      JSON.stringify(size)
    })`,
    ignore: NO_BLAS,
    fn: () =>
      onKerno(() => {
        const shape = [batch, time, 3, heads, dim] as [number, number, number, number, number];
        const qkv = tf.tensor5d(randomValues(batch * time * 3 * heads * dim, 11), shape);
        const weights = rnd([batch, time, heads, dim], 12);
        const masks: (tf.Tensor4D | null)[] = [
          null,
          keepMask([batch, heads, time, time], 13),
          keepMask([batch, 1, 1, time], 14),
          keepMask([1, 1, time, time], 15),
        ];
        for (const keep of masks) {
          const run = (impl: typeof plainFusedOps.packedSelfAttention) =>
            tf.tidy(() => {
              const f = (x: tf.Tensor) =>
                tf.sum(tf.mul(impl(x as tf.Tensor5D, keep, 0.41), weights));
              return [impl(qkv, keep, 0.41), tf.grad(f)(qkv)].map((t) => t.dataSync().slice());
            });
          const want = run(plainFusedOps.packedSelfAttention);
          const got = run((...a) => {
            const out = KERNO_FUSED_OPS.packedSelfAttention!(...a);
            assert.ok(out !== null, "kerno's replacement takes float32 on its backend");
            return out;
          });
          const label = keep === null ? "no mask" : `mask [${keep.shape}]`;
          assertClose(got[0], want[0], 1e-5, `output, ${label}`);
          assertClose(got[1], want[1], 1e-5, `dQKV, ${label}`);
        }
        // Its own definition: the same as dotProductAttention on the three slices.
        tf.tidy(() => {
          const [q, k, v] = tf.split(qkv, 3, 2).map((t) =>
            tf.reshape(t, [batch, time, heads, dim]) as tf.Tensor4D
          );
          assertClose(
            plainFusedOps.packedSelfAttention(qkv, null, 0.5).dataSync(),
            plainFusedOps.dotProductAttention(q, k, v, null, 0.5).dataSync(),
            1e-6,
            "packed = separate",
          );
        });
        tf.dispose([qkv, weights, ...masks.filter((m) => m !== null)]);
      }),
  });
}
