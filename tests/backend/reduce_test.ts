import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { assertGradient, assertSameAsCpu, make, project, rand, runOn } from "./_helpers.ts";

const reductions: [
  string,
  (x: tf.Tensor, axis?: number | number[], keepDims?: boolean) => tf.Tensor,
][] = [
  ["sum", tf.sum],
  ["mean", tf.mean],
  ["max", tf.max],
  ["min", tf.min],
];

const axes: (number | number[] | undefined)[] = [undefined, -1, 0, 1, [0, 1], [1, 2], [0, 2], [2]];

for (const [name, op] of reductions) {
  Deno.test(`${name} matches cpu along last, first, middle, all and scattered axes`, async () => {
    const x = rand([3, 7, 5], 1);
    for (const axis of axes) {
      for (const keepDims of [false, true]) {
        await assertSameAsCpu(
          () => op(make(x), axis, keepDims),
          1e-5,
          `${name} axis ${axis} keepDims ${keepDims}`,
        );
      }
    }
    await assertSameAsCpu(() => op(make(rand([1], 2))), 1e-6, `${name} of one value`);
    await assertSameAsCpu(() => op(make(rand([7, 1], 3)), 1), 1e-6, `${name} over a size-1 axis`);
    await assertSameAsCpu(
      () => op(make(rand([3, 1, 4], 4)), 1, true),
      1e-6,
      `${name} over a middle size-1 axis`,
    );
  });
}

Deno.test("sum and max give hand-computed values along both axes of a 2x3 matrix", async () => {
  const x = { shape: [2, 3], values: new Float32Array([1, 5, 3, 4, 2, 6]) };
  const r = await runOn(
    "kerno",
    () => [tf.sum(make(x), 0), tf.sum(make(x), 1), tf.max(make(x), 0), tf.max(make(x), 1)],
  );
  assert.deepEqual(r.values.map((v) => Array.from(v)), [[5, 7, 9], [9, 12], [4, 5, 6], [5, 6]]);
});

Deno.test("max propagates NaN as the cpu kernel does", async () => {
  const x = { shape: [2, 3], values: new Float32Array([1, NaN, 3, 4, 2, 6]) };
  await assertSameAsCpu(() => [tf.max(make(x), 1), tf.max(make(x), 0), tf.min(make(x), 1)]);
});

Deno.test("sum and mean on int32 fall back to the cpu kernels", async () => {
  const x = { shape: [2, 2], values: new Int32Array([1, 2, 3, 4]) };
  await assertSameAsCpu(() => [tf.sum(make(x), 0), tf.mean(make(x))]);
});

Deno.test("reduction gradients match cpu and finite differences", async () => {
  const x = rand([4, 7, 5], 4);
  await assertGradient((t) => project(tf.sum(t, -1)), x, 1e-5, 1e-2, "sum last");
  await assertGradient((t) => project(tf.mean(t, 0)), x, 1e-5, 1e-2, "mean first");
  await assertGradient((t) => project(tf.max(t, 1)), x, 1e-5, 1e-2, "max middle");
});
