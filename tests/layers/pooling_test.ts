import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  AveragePooling1D,
  AveragePooling2D,
  MaxPooling1D,
  MaxPooling2D,
} from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";
import { nanAwareMaxPool } from "../../engine/_nan_max_pool.ts";
import {
  firstDifference,
  NAN_POOL_1D,
  NAN_POOL_2D,
  nanCaseOutputs,
} from "../backend/_nan_pool_cases.ts";
import { rand } from "../backend/_helpers.ts";

/** Runs `body` on `backend`, checks it leaked no tensor, and restores the backend. */
async function onBackend(backend: string, body: () => void): Promise<void> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const before = tf.memory().numTensors;
    body();
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
  } finally {
    await tf.setBackend(previous);
  }
}

function assertPinned(actual: tf.Tensor, expected: number[], what: string): void {
  assert.equal(firstDifference(actual.dataSync(), expected), null, what);
}

const IMAGE = [[1, 5, 2, 0], [3, 4, 8, 6], [7, 0, 1, 2], [9, 2, 3, 4]];

Deno.test("MaxPooling2D and AveragePooling2D pass the shared layer check", () => {
  checkLayer({
    make: () => new MaxPooling2D(),
    cls: MaxPooling2D,
    inputShape: [2, 4, 4, 2],
    outputShape: [2, 2, 2, 2],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new MaxPooling2D({ poolSize: [2, 3], strides: 1, padding: "same" }),
    cls: MaxPooling2D,
    inputShape: [1, 3, 4, 2],
    outputShape: [1, 3, 4, 2],
    weights: 0,
    params: 0,
  });
  // same, pool 3, strides 2: ceil(5/2) = 3
  checkLayer({
    make: () => new AveragePooling2D({ poolSize: 3, strides: 2, padding: "same" }),
    cls: AveragePooling2D,
    inputShape: [1, 5, 5, 1],
    outputShape: [1, 3, 3, 1],
    weights: 0,
    params: 0,
  });
});

Deno.test("MaxPooling1D and AveragePooling1D pass the shared layer check", () => {
  checkLayer({
    make: () => new MaxPooling1D(),
    cls: MaxPooling1D,
    inputShape: [2, 6, 3],
    outputShape: [2, 3, 3],
    weights: 0,
    params: 0,
  });
  // valid, pool 3, stride 1: 6 − 3 + 1 = 4
  checkLayer({
    make: () => new AveragePooling1D({ poolSize: 3, strides: 1 }),
    cls: AveragePooling1D,
    inputShape: [2, 6, 3],
    outputShape: [2, 4, 3],
    weights: 0,
    params: 0,
  });
});

Deno.test("MaxPooling2D and AveragePooling2D compute hand-derived windows", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(IMAGE.flat(), [1, 4, 4, 1]);
  const max = new MaxPooling2D({ poolSize: 2 }).apply(x);
  assert.deepEqual(max.arraySync(), [[[[5], [8]], [[9], [4]]]]);
  const avg = new AveragePooling2D({ poolSize: 2 }).apply(x);
  // window sums 13, 16, 18, 10 over 4 values
  assert.deepEqual(avg.arraySync(), [[[[3.25], [4]], [[4.5], [2.5]]]]);
  // pool 3, stride 1, valid: 2x2 outputs
  const max3 = new MaxPooling2D({ poolSize: 3, strides: 1 }).apply(x);
  assert.deepEqual(max3.arraySync(), [[[[8], [8]], [[9], [8]]]]);
  tf.dispose([x, max, avg, max3]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("MaxPooling1D and AveragePooling1D handle 'same' padding as Keras", () => {
  const x = tf.tensor3d([1, 3, 2, 5, 4], [1, 5, 1]);
  const valid = new MaxPooling1D({ poolSize: 2 }).apply(x);
  assert.deepEqual(valid.arraySync(), [[[3], [5]]]);
  const same = new MaxPooling1D({ poolSize: 2, padding: "same" }).apply(x);
  assert.deepEqual(same.arraySync(), [[[3], [5], [4]]]);
  // the padded position is not counted: the last window averages [4] alone
  const avg = new AveragePooling1D({ poolSize: 2, padding: "same" }).apply(x);
  assert.deepEqual(avg.arraySync(), [[[2], [3.5], [4]]]);
  tf.dispose([x, valid, same, avg]);
});

Deno.test("Pooling layers reject bad options and inputs", () => {
  assert.throws(() => new MaxPooling2D({ poolSize: 0 }), /"poolSize" must be/);
  assert.throws(() => new MaxPooling2D({ strides: [1, 2, 3] }), RangeError);
  assert.throws(() => new AveragePooling1D({ padding: "causal" as "same" }), RangeError);
  assert.throws(() => new AveragePooling1D({ poolSize: "2" as unknown as number }), TypeError);
  const x = tf.zeros([2, 4, 4, 1]);
  assert.throws(() => new MaxPooling1D().apply(x), /must have rank 3/);
  x.dispose();
});

Deno.test("nanAwareMaxPool on cpu gives NaN where a window holds one, the gradient to its last NaN, as PyTorch", async () => {
  // TensorFlow.js's own cpu MaxPool ignores NaN: [1, 1, NaN, 5, ...] pools to 7 there.
  await onBackend("cpu", () => {
    for (const c of NAN_POOL_2D) {
      const size = c.poolSize as [number, number];
      const strides = c.strides as [number, number];
      const [y, dx] = tf.tidy(() =>
        nanCaseOutputs(c, (x) => nanAwareMaxPool(x as tf.Tensor4D, size, strides, c.padding))
      );
      assertPinned(y, c.expected, `${c.label}: y`);
      assertPinned(dx, c.grad, `${c.label}: dx`);
      tf.dispose([y, dx]);
    }
  });
});

Deno.test("nanAwareMaxPool without NaN equals tf.maxPool on cpu, gradients included", async () => {
  const cases: [number[], [number, number], [number, number], "valid" | "same"][] = [
    [[2, 7, 7, 3], [2, 2], [2, 2], "valid"],
    [[2, 7, 7, 3], [2, 2], [2, 2], "same"],
    [[1, 7, 9, 2], [3, 3], [1, 1], "same"],
    [[1, 7, 9, 5], [3, 2], [2, 3], "valid"],
  ];
  await onBackend("cpu", () => {
    for (const [shape, size, strides, pad] of cases) {
      const x = rand(shape, 3);
      x.values[0] = Infinity;
      x.values[5] = -Infinity;
      const run = (pool: (t: tf.Tensor4D) => tf.Tensor) =>
        tf.tidy(() => {
          const t = tf.tensor4d(x.values, shape as [number, number, number, number]);
          const w = tf.tensor(rand(pool(t).shape, 4).values, pool(t).shape);
          const grad = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(pool(u as tf.Tensor4D), w)))(t);
          return [Array.from(pool(t).dataSync()), Array.from(grad.dataSync())];
        });
      assert.deepEqual(
        run((t) => nanAwareMaxPool(t, size, strides, pad)),
        run((t) => tf.maxPool(t, size, strides, pad)),
        `x [${shape}] pool ${size} strides ${strides} ${pad}`,
      );
    }
  });
});

for (const backend of ["cpu", "kerno"]) {
  Deno.test(`MaxPooling2D and MaxPooling1D on ${backend} give NaN where a window holds one, as PyTorch`, async () => {
    await onBackend(backend, () => {
      const c2 = NAN_POOL_2D[0];
      const layer2 = new MaxPooling2D({ poolSize: c2.poolSize, strides: c2.strides });
      const [y2, dx2] = tf.tidy(() => nanCaseOutputs(c2, (x) => layer2.apply(x)));
      assertPinned(y2, c2.expected, "MaxPooling2D y");
      assertPinned(dx2, c2.grad, "MaxPooling2D dx");
      const c1 = NAN_POOL_1D;
      const layer1 = new MaxPooling1D({ poolSize: c1.poolSize as number });
      const [y1, dx1] = tf.tidy(() => nanCaseOutputs(c1, (x) => layer1.apply(x)));
      assertPinned(y1, c1.expected, "MaxPooling1D y");
      assertPinned(dx1, c1.grad, "MaxPooling1D dx");
      tf.dispose([y2, dx2, y1, dx1]);
    });
  });
}
