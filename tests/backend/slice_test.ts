/**
 * kerno's Slice and PadV2 kernels against the `cpu` kernels: slices of every
 * axis (contiguous and not), `-1` sizes, empty slices, padding on any axes,
 * and the slice's gradient (a pad) against finite differences.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { assertSameAsCpu, make, rand } from "./_helpers.ts";

Deno.test("slice matches cpu on any axis, with -1 sizes and empty slices", async () => {
  const cases: [number[], number[], number[]][] = [
    [[7], [2], [3]],
    [[4, 6], [1, 2], [2, -1]],
    [[4, 6], [0, 3], [4, 1]], // one column
    [[3, 5, 8], [0, 4, 0], [3, 1, 8]], // a sequence's last step
    [[3, 5, 8], [1, 1, 2], [2, 3, 4]],
    [[2, 3, 4, 5], [1, 0, 2, 1], [1, 3, 2, 3]],
    [[3, 4], [1, 0], [0, 4]], // empty
  ];
  for (const [shape, begin, size] of cases) {
    await assertSameAsCpu(() => tf.slice(make(rand(shape, 3)), begin, size), 0, `${shape}`);
  }
});

Deno.test("split along a middle or last axis matches cpu", async () => {
  await assertSameAsCpu(() => tf.split(make(rand([4, 12], 5)), 4, 1), 0, "4 gates");
  await assertSameAsCpu(() => tf.split(make(rand([2, 6, 3], 6)), [1, 2, 3], 1), 0, "uneven");
  await assertSameAsCpu(() => tf.split(make(rand([6, 5], 7)), [2, -1], 0), 0, "first axis, -1");
  await assertSameAsCpu(() => tf.split(make(rand([3, 2, 9], 8)), 3, -1), 0, "negative axis");
  await assertSameAsCpu(() => tf.split(make(rand([64, 192], 9)), 3, 1), 0, "a concat's gradient");
});

Deno.test("pad matches cpu, constant value included", async () => {
  const cases: [number[], [number, number][], number][] = [
    [[3], [[1, 2]], 0],
    [[2, 3], [[0, 1], [2, 0]], 0],
    [[2, 3, 4], [[1, 0], [0, 0], [1, 2]], -1.5],
    [[2, 0, 2], [[1, 1], [0, 1], [0, 0]], 3],
  ];
  for (const [shape, paddings, value] of cases) {
    await assertSameAsCpu(() => tf.pad(make(rand(shape, 4)), paddings, value), 0, `${shape}`);
  }
});

Deno.test("the gradient of a slice is the padded gradient, as on cpu", async () => {
  await assertSameAsCpu(
    () => {
      const x = make(rand([3, 5, 4], 8));
      const w = make(rand([3, 2, 2], 9));
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.slice(a, [0, 2, 1], [3, 2, 2]), w)))(x);
    },
    1e-6,
    "gradient",
  );
  const previous = tf.getBackend() ?? "kerno";
  await tf.setBackend("kerno");
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.slice(a, [1, 0], [1, 2])))(tf.ones([3, 2]));
    assert.deepEqual(Array.from(g.dataSync()), [0, 0, 1, 1, 0, 0]);
  });
  assert.equal(tf.memory().numTensors, before);
  await tf.setBackend(previous);
});
