import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  AveragePooling1D,
  AveragePooling2D,
  MaxPooling1D,
  MaxPooling2D,
} from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

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
