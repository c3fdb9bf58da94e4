import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  assertClose,
  assertGradient,
  assertSameAsCpu,
  make,
  project,
  rand,
  runOn,
} from "./_helpers.ts";
import { firstDifference, NAN_POOL_2D, nanCaseInput, nanCaseOutputs } from "./_nan_pool_cases.ts";
import { nanAwareMaxPool } from "../../engine/_nan_max_pool.ts";

type Pad = "same" | "valid";
// [x shape, filter size, strides, pad]
const cases: [number[], number | [number, number], number | [number, number], Pad][] = [
  [[1, 1, 1, 1], 1, 1, "valid"],
  [[2, 7, 7, 3], 2, 2, "valid"],
  [[2, 7, 7, 3], 2, 2, "same"],
  [[2, 7, 9, 3], 3, 1, "same"],
  [[1, 7, 9, 5], [3, 2], [2, 3], "valid"],
  [[1, 9, 7, 2], 3, 3, "same"],
];

for (const [shape, size, strides, pad] of cases) {
  const label = `x ${shape}, filter ${size}, strides ${strides}, pad ${pad}`;
  Deno.test(`maxPool and avgPool match cpu for ${label}`, async () => {
    const x = rand(shape, 1);
    await assertSameAsCpu(
      () => tf.maxPool(make(x) as tf.Tensor4D, size, strides, pad),
      1e-6,
      "max",
    );
    await assertSameAsCpu(
      () => tf.avgPool(make(x) as tf.Tensor4D, size, strides, pad),
      1e-6,
      "avg",
    );
  });
  Deno.test(`maxPool gradient matches cpu and finite differences for ${label}`, async () => {
    const x = rand(shape, 2);
    await assertGradient(
      (t) => project(tf.maxPool(t as tf.Tensor4D, size, strides, pad)),
      x,
      1e-6,
      1e-2,
      "max",
    );
  });
  Deno.test(`avgPool gradient matches finite differences (and cpu with 'valid') for ${label}`, async () => {
    const x = rand(shape, 3);
    // The cpu kernel divides by the full window also where 'same' padding cuts
    // it, which is not the derivative of its own forward pass; kerno's is.
    await assertGradient(
      (t) => project(tf.avgPool(t as tf.Tensor4D, size, strides, pad)),
      x,
      1e-6,
      1e-2,
      "avg",
      pad === "valid",
    );
  });
}

Deno.test("avgPool with 'same' padding averages only the taps inside the image", async () => {
  const x = { shape: [1, 2, 2, 1], values: new Float32Array([1, 2, 3, 4]) };
  const r = await runOn("kerno", () => [
    tf.avgPool(make(x) as tf.Tensor4D, 2, 1, "same"),
    tf.grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, 2, 1, "same")))(make(x)),
  ]);
  assertClose(r.values[0], [2.5, 3, 3.5, 4], 1e-6);
  // d/dx00 = 1/4; d/dx01 = 1/4 + 1/2; d/dx10 = 1/4 + 1/2; d/dx11 = 1/4 + 1/2 + 1/2 + 1
  assertClose(r.values[1], [0.25, 0.75, 0.75, 2.25], 1e-6);
});

Deno.test("maxPool routes the gradient to the first maximum of a window", async () => {
  const x = { shape: [1, 2, 2, 1], values: new Float32Array([5, 5, 1, 5]) };
  const r = await runOn(
    "kerno",
    () => tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, "valid")))(make(x)),
  );
  assert.deepEqual(Array.from(r.values[0]), [1, 0, 0, 0]);
});

Deno.test("maxPool and its gradient handle infinities and ties like cpu", async () => {
  const x = {
    shape: [1, 2, 6, 1],
    values: new Float32Array([
      -Infinity,
      3,
      Infinity,
      1,
      -1,
      -1e-30,
      -Infinity,
      3,
      2,
      Infinity,
      -1e-30,
      -1,
    ]),
  };
  await assertSameAsCpu(() => [
    tf.maxPool(make(x) as tf.Tensor4D, 2, 2, "valid"),
    tf.grad((t: tf.Tensor) => project(tf.maxPool(t as tf.Tensor4D, 2, 2, "valid")))(make(x)),
  ], 0);
});

Deno.test("maxPool gives NaN where its window holds one and routes the gradient to its last NaN, as PyTorch", async () => {
  for (const c of NAN_POOL_2D) {
    const size = c.poolSize as [number, number];
    const strides = c.strides as [number, number];
    const r = await runOn("kerno", () => [
      tf.maxPool(nanCaseInput(c) as tf.Tensor4D, size, strides, c.padding),
      ...nanCaseOutputs(c, (x) => tf.maxPool(x as tf.Tensor4D, size, strides, c.padding)),
    ]);
    assert.equal(firstDifference(r.values[0], c.expected), null, `${c.label}: y outside a tape`);
    assert.equal(firstDifference(r.values[1], c.expected), null, `${c.label}: y`);
    assert.equal(firstDifference(r.values[2], c.grad), null, `${c.label}: dx`);
  }
});

Deno.test("maxPool and its gradient with NaN equal the plain nanAwareMaxPool on cpu", async () => {
  const cases: [number[], [number, number], [number, number], Pad][] = [
    [[2, 7, 7, 3], [2, 2], [2, 2], "valid"],
    [[2, 7, 7, 3], [2, 2], [2, 2], "same"],
    [[2, 7, 9, 3], [3, 3], [1, 1], "same"],
    [[1, 7, 9, 5], [3, 2], [2, 3], "valid"],
  ];
  for (const [shape, size, strides, pad] of cases) {
    const x = rand(shape, 7);
    x.values.forEach((v, i) => {
      if (v > 0.8) x.values[i] = NaN; // about one tap in ten
    });
    const run = (pool: (t: tf.Tensor4D) => tf.Tensor) => () => {
      const t = make(x) as tf.Tensor4D;
      const w = tf.tensor(rand([pool(t).size], 8).values, pool(t).shape);
      const { value, grad } = tf.valueAndGrad((u: tf.Tensor) =>
        tf.sum(tf.mul(pool(u as tf.Tensor4D), w))
      )(t);
      return [pool(t), value, grad];
    };
    const kerno = await runOn("kerno", run((t) => tf.maxPool(t, size, strides, pad)));
    const plain = await runOn("cpu", run((t) => nanAwareMaxPool(t, size, strides, pad)));
    const label = `x [${shape}] pool ${size} strides ${strides} ${pad}`;
    assert.ok(kerno.values[0].some(Number.isNaN), `${label}: some window holds a NaN`);
    plain.values.forEach((v, i) => assertClose(kerno.values[i], v, 1e-6, `${label} #${i}`));
  }
});
