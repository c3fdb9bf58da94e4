import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  assertClose,
  assertGradient,
  assertSameAsCpu,
  make,
  onKerno,
  project,
  rand,
  runOn,
} from "./_helpers.ts";

type Pad = "same" | "valid";
type Triple = [number, number, number];
// [x shape (NDHWC), filter size, strides, pad]
const cases: [number[], number | Triple, number | Triple, Pad][] = [
  [[1, 1, 1, 1, 1], 1, 1, "valid"],
  [[2, 4, 4, 4, 3], 2, 2, "valid"],
  [[2, 5, 3, 7, 2], 2, 2, "same"],
  [[1, 6, 5, 7, 3], [3, 2, 4], [2, 1, 3], "same"],
  [[1, 5, 6, 7, 4], [2, 3, 2], [2, 2, 3], "valid"],
  [[1, 4, 5, 3, 2], 3, 1, "same"],
];

/** 3-D max pooling as 2-D max pooling of each depth plane, then along depth. */
function separableMaxPool(
  x: tf.Tensor5D,
  size: number | Triple,
  strides: number | Triple,
  pad: Pad,
): tf.Tensor {
  const [kd, kh, kw] = typeof size === "number" ? [size, size, size] : size;
  const [sd, sh, sw] = typeof strides === "number" ? [strides, strides, strides] : strides;
  const [b, d, h, w, c] = x.shape;
  const planes = tf.maxPool(
    tf.reshape(x, [b * d, h, w, c]) as tf.Tensor4D,
    [kh, kw],
    [sh, sw],
    pad,
  );
  const [, h2, w2] = planes.shape;
  const deep = tf.maxPool(
    tf.reshape(planes, [b, d, h2 * w2, c]) as tf.Tensor4D,
    [kd, 1],
    [sd, 1],
    pad,
  );
  return tf.reshape(deep, [b, deep.shape[1], h2, w2, c]);
}

for (const [shape, size, strides, pad] of cases) {
  const label = `x ${shape}, filter ${size}, strides ${strides}, pad ${pad}`;
  Deno.test(`maxPool3d and avgPool3d on kerno match cpu for ${label}`, async () => {
    const x = rand(shape, 1);
    await assertSameAsCpu(
      () => tf.maxPool3d(make(x) as tf.Tensor5D, size, strides, pad),
      1e-6,
      "max",
    );
    await assertSameAsCpu(
      () => tf.avgPool3d(make(x) as tf.Tensor5D, size, strides, pad),
      1e-6,
      "avg",
    );
  });
  Deno.test(`maxPool3d gradient on kerno matches finite differences and separable 2-D pooling on cpu for ${label}`, async () => {
    const cubic = typeof size === "number";
    // TensorFlow.js's cpu MaxPool3DGrad is wrong for windows that are not cubes.
    await assertGradient(
      (t) => project(tf.maxPool3d(t as tf.Tensor5D, size, strides, pad)),
      rand(shape, 2),
      1e-6,
      1e-2,
      "max",
      cubic,
    );
    // Independent truth for every element: the maximum over a box is the maximum
    // over depth of the 2-D maxima of the planes; cpu's 2-D gradient is right.
    const x = rand(shape, 2);
    const grad = (pool: (t: tf.Tensor5D) => tf.Tensor) => () =>
      tf.grad((t: tf.Tensor) => project(pool(t as tf.Tensor5D)))(make(x));
    const kerno = await runOn("kerno", grad((t) => tf.maxPool3d(t, size, strides, pad)));
    const cpu = await runOn("cpu", grad((t) => separableMaxPool(t, size, strides, pad)));
    assertClose(kerno.values[0], cpu.values[0], 1e-6, "max vs separable");
  });
  Deno.test(`avgPool3d gradient on kerno matches finite differences (and cpu with 'valid') for ${label}`, async () => {
    // As in 2-D, TensorFlow.js's cpu gradient divides by the full window where
    // 'same' padding cuts it: not the derivative of its own forward pass.
    await assertGradient(
      (t) => project(tf.avgPool3d(t as tf.Tensor5D, size, strides, pad)),
      rand(shape, 3),
      1e-6,
      1e-2,
      "avg",
      pad === "valid",
    );
  });
}

Deno.test("maxPool3d on kerno gives NaN where a window holds one and routes its gradient to the last NaN", async () => {
  await onKerno(() => {
    // One window of 8 values: [1, NaN, 3, NaN, 2, 0, 9, 4]; max is NaN, the gradient goes to index 3.
    const x = tf.tensor5d([1, NaN, 3, NaN, 2, 0, 9, 4], [1, 2, 2, 2, 1]);
    const y = tf.maxPool3d(x, 2, 2, "valid");
    assert.ok(Number.isNaN(y.dataSync()[0]));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool3d(t as tf.Tensor5D, 2, 2, "valid")))(x);
    assert.deepEqual(Array.from(g.dataSync()), [0, 0, 0, 1, 0, 0, 0, 0]);
    // Without NaN: the first maximum (in depth, row, column order) takes the gradient.
    const tie = tf.tensor5d([1, 5, 5, 2, 0, 5, 3, 4], [1, 2, 2, 2, 1]);
    const gt = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool3d(t as tf.Tensor5D, 2, 2, "valid")))(
      tie,
    );
    assert.deepEqual(Array.from(gt.dataSync()), [0, 1, 0, 0, 0, 0, 0, 0]);
    tf.dispose([x, y, g, tie, gt]);
  });
});

Deno.test("maxPool3d and avgPool3d on kerno are fast: [8, 16, 16, 16, 16], forward and gradient", async () => {
  // Not a timing assertion (speed is the benchmarks'); this runs the size the
  // README quotes so that a regression to the per-element path shows in the log.
  await onKerno(() => {
    const x = tf.randomNormal([8, 16, 16, 16, 16], 0, 1, "float32", 3) as tf.Tensor5D;
    const t0 = performance.now();
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool3d(t as tf.Tensor5D, 2, 2, "valid")))(x);
    g.dataSync();
    const ms = performance.now() - t0;
    console.log(`maxPool3d forward + gradient on [8, 16, 16, 16, 16]: ${ms.toFixed(1)} ms`);
    tf.dispose([x, g]);
  });
});
