import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Conv1D } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Conv1D passes the shared layer check", () => {
  // kernel 2·2·3 = 12, bias 3
  checkLayer({
    make: () => new Conv1D(3, 2),
    cls: Conv1D,
    inputShape: [2, 6, 2],
    outputShape: [2, 5, 3],
    weights: 2,
    params: 15,
  });
  checkLayer({
    make: () => new Conv1D(2, 3, { padding: "causal", dilationRate: 2 }),
    cls: Conv1D,
    inputShape: [2, 5, 1],
    outputShape: [2, 5, 2],
    weights: 2,
    params: 8,
  });
  checkLayer({
    make: () => new Conv1D(2, 3, { padding: "same", strides: 2, activation: "sigmoid" }),
    cls: Conv1D,
    inputShape: [1, 7, 2],
    outputShape: [1, 4, 2],
    weights: 2,
    params: 14,
  });
});

Deno.test("Conv1D causal padding sees no future step", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor3d([1, 2, 3], [1, 3, 1]);
  const conv = new Conv1D(1, 2, { padding: "causal", useBias: false });
  conv.apply(x).dispose();
  const k = tf.tensor3d([1, 10], [2, 1, 1]);
  conv.setWeights([k]);
  const y = conv.apply(x);
  // y[t] = 1·x[t−1] + 10·x[t], x[−1] = 0
  assert.deepEqual(y.arraySync(), [[[10], [21], [32]]]);
  tf.dispose([x, k, y]);
  conv.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Conv1D dilation spaces the kernel's taps", () => {
  const x = tf.tensor3d([1, 2, 3, 4, 5], [1, 5, 1]);
  const conv = new Conv1D(1, 2, { dilationRate: 2, useBias: false });
  conv.apply(x).dispose();
  const k = tf.tensor3d([1, 10], [2, 1, 1]);
  conv.setWeights([k]);
  const y = conv.apply(x);
  // y[t] = x[t] + 10·x[t+2]
  assert.deepEqual(y.arraySync(), [[[31], [42], [53]]]);
  tf.dispose([x, k, y]);
  conv.dispose();
});

Deno.test("Conv1D rejects bad options", () => {
  assert.throws(() => new Conv1D(2, [2, 2]), RangeError);
  assert.throws(() => new Conv1D(2, 2, { padding: "full" as "same" }), RangeError);
  assert.throws(() => new Conv1D(-1, 2), RangeError);
  const x = tf.zeros([2, 5, 5, 1]);
  assert.throws(() => new Conv1D(2, 3).apply(x), /must have rank 3/);
  x.dispose();
});
