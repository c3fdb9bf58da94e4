/**
 * kerno's Reverse and Cast kernels against the `cpu` kernels: reversal along
 * any set of axes (the innermost included) and its gradient; casts of
 * booleans and int32 to float32 stored as `Float32Array`s.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { assertSameAsCpu, make, rand } from "./_helpers.ts";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

Deno.test("reverse matches cpu along any axes, with its gradient", async () => {
  const cases: [number[], number[]][] = [
    [[7], [0]],
    [[3, 4], [0]],
    [[3, 4], [1]],
    [[2, 5, 3], [1]], // a sequence's time axis
    [[2, 5, 3], [0, 2]],
    [[2, 3, 4, 2], [1, 2, 3]],
    [[2, 0, 3], [1]],
  ];
  for (const [shape, dims] of cases) {
    await assertSameAsCpu(() => tf.reverse(make(rand(shape, 1)), dims), 0, `${shape} ${dims}`);
  }
  await assertSameAsCpu(
    () => {
      const w = make(rand([2, 5, 3], 2));
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.reverse(x, 1), w)))(
        make(rand([2, 5, 3], 3)),
      );
    },
    1e-6,
    "gradient",
  );
});

Deno.test("cast of booleans and int32 to float32 gives float storage and the same values", async () => {
  await assertSameAsCpu(() => tf.cast(tf.tensor([true, false, true], [3], "bool"), "float32"), 0);
  await assertSameAsCpu(() => tf.cast(tf.tensor([3, -2, 7, 0], [2, 2], "int32"), "float32"), 0);
  await assertSameAsCpu(() => tf.cast(tf.tensor([1.5, -2.7]), "int32"), 0); // falls back
  const previous = tf.getBackend() ?? "kerno";
  await tf.setBackend("kerno");
  const t = tf.tidy(() => tf.cast(tf.greater(tf.tensor([1, -1, 2]), 0), "float32"));
  const values = (tf.backend() as MathBackendCPU).data.get(t.dataId).values;
  assert.ok(values instanceof Float32Array);
  assert.deepEqual(Array.from(t.dataSync()), [1, 0, 1]);
  t.dispose();
  await tf.setBackend(previous);
});
