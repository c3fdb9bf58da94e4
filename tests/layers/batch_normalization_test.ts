import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import { BatchNormalization } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

function close(actual: number[], expected: number[], tol = 1e-5) {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - expected[i]) <= tol, `[${i}] ${a} vs ${expected[i]}`)
  );
}

Deno.test("BatchNormalization passes the shared layer check", () => {
  // gamma, beta, movingMean, movingVariance: 4 × 4 features
  for (const training of [false, true]) {
    checkLayer({
      make: () => new BatchNormalization(),
      cls: BatchNormalization,
      inputShape: [3, 4],
      outputShape: [3, 4],
      weights: 4,
      trainableWeights: 2,
      params: 16,
      training,
    });
  }
  // axis 1 of a rank-3 input, no beta: gamma + 2 moving statistics over 3 features
  checkLayer({
    make: () => new BatchNormalization({ axis: 1, center: false, momentum: 0.9 }),
    cls: BatchNormalization,
    inputShape: [2, 3, 2],
    outputShape: [2, 3, 2],
    weights: 3,
    trainableWeights: 1,
    params: 9,
    training: true,
  });
});

Deno.test("BatchNormalization uses batch statistics in training and updates the moving ones", () => {
  const before = tf.memory().numTensors;
  // feature 0: 1, 3 → mean 2, variance 1; feature 1: 10, 14 → mean 12, variance 4
  const x = tf.tensor2d([[1, 10], [3, 14]]);
  const bn = new BatchNormalization();
  const inference0 = bn.apply(x);
  // fresh moving statistics (0, 1): x / √(1 + 0.001)
  close(Array.from(inference0.dataSync()), [1, 10, 3, 14].map((v) => v / Math.sqrt(1.001)));
  const train = bn.apply(x, { training: true });
  const a = 1 / Math.sqrt(1.001);
  const b = 2 / Math.sqrt(4.001);
  close(Array.from(train.dataSync()), [-a, -b, a, b]);
  // moving = moving·0.99 + batch·0.01
  close(Array.from(bn.movingMean!.dataSync()), [0.02, 0.12], 1e-7);
  close(Array.from(bn.movingVariance!.dataSync()), [1, 0.99 + 0.04], 1e-6);
  const inference1 = bn.apply(x, { training: false });
  close(Array.from(inference1.dataSync()), [
    (1 - 0.02) / Math.sqrt(1.001),
    (10 - 0.12) / Math.sqrt(1.031),
    (3 - 0.02) / Math.sqrt(1.001),
    (14 - 0.12) / Math.sqrt(1.031),
  ]);
  // inference leaves the moving statistics alone
  close(Array.from(bn.movingMean!.dataSync()), [0.02, 0.12], 1e-7);
  tf.dispose([x, inference0, train, inference1]);
  bn.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("BatchNormalization with trainable false runs in inference mode even when training", () => {
  const x = tf.tensor2d([[1, 10], [3, 14]]);
  const bn = new BatchNormalization({ momentum: 0.5 });
  bn.apply(x).dispose();
  bn.trainable = false;
  const y = bn.apply(x, { training: true });
  close(Array.from(y.dataSync()), [1, 10, 3, 14].map((v) => v / Math.sqrt(1.001)));
  close(Array.from(bn.movingMean!.dataSync()), [0, 0]);
  assert.equal(bn.trainableWeights.length, 0);
  assert.equal(bn.nonTrainableWeights.length, 4);
  tf.dispose([x, y]);
  bn.dispose();
});

Deno.test("BatchNormalization honours momentum, axis and a mask", () => {
  const x = tf.tensor2d([[1, 10], [3, 14]]);
  const bn = new BatchNormalization({ momentum: 0.9 });
  bn.apply(x, { training: true }).dispose();
  close(Array.from(bn.movingMean!.dataSync()), [0.2, 1.2], 1e-6);
  close(Array.from(bn.movingVariance!.dataSync()), [1, 0.9 + 0.4], 1e-6);
  // channels-first style: axis 1 of [batch, channels, steps]
  const x3 = tf.tensor3d([[[1, 3], [10, 14]]]);
  const bn1 = new BatchNormalization({ axis: 1 });
  const y3 = bn1.apply(x3, { training: true });
  close(Array.from(y3.dataSync()), [
    -1 / Math.sqrt(1.001),
    1 / Math.sqrt(1.001),
    -2 / Math.sqrt(4.001),
    2 / Math.sqrt(4.001),
  ]);
  // a masked step (value 100) is left out of the statistics: mean 2, variance 1
  const seq = tf.tensor3d([[[1], [3], [100]]]);
  const mask = tf.tensor2d([[1, 1, 0]], [1, 3], "bool");
  const bnm = new BatchNormalization();
  const ym = bnm.apply(seq, { training: true, mask });
  close(Array.from(bnm.movingMean!.dataSync()), [0.02], 1e-7);
  close(Array.from(bnm.movingVariance!.dataSync()), [1], 1e-6);
  assert.deepEqual(maskValues(ym), [1, 1, 0], "the mask passes through");
  tf.dispose([x, x3, y3, seq, mask, ym]);
  bn.dispose();
  bn1.dispose();
  bnm.dispose();
});

Deno.test("BatchNormalization rejects bad options", () => {
  assert.throws(
    () => new BatchNormalization({ momentum: 1.5 }),
    /"momentum" must be a number in \[0, 1\]: received 1.5/,
  );
  assert.throws(() => new BatchNormalization({ epsilon: 0 }), RangeError);
  assert.throws(() => new BatchNormalization({ axis: 0 }), RangeError);
  assert.throws(() => new BatchNormalization({ axis: 1.5 }), RangeError);
  assert.throws(() => new BatchNormalization({ center: "no" as unknown as boolean }), TypeError);
  assert.throws(() => new BatchNormalization({ gammaInitializer: "nope" }), TypeError);
  const x = tf.zeros([2, 3]);
  assert.throws(() => new BatchNormalization({ axis: 2 }).apply(x), /"axis" 2 must name/);
  x.dispose();
});

function maskValues(t: tf.Tensor): number[] | null {
  const m = maskOf(t);
  if (!m) return null;
  const v = Array.from(m.dataSync());
  m.dispose();
  return v;
}
