import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  BinaryCrossentropy,
  binaryCrossentropy,
  CategoricalCrossentropy,
  categoricalCrossentropy,
  SparseCategoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from "../../losses/mod.ts";
import { assertClose, bceProb, mean, noLeaks, sigmoid, take } from "./_helpers.ts";

Deno.test("BinaryCrossentropy probabilities give -z log p - (1 - z) log(1 - p) per sample", () => {
  noLeaks(() => {
    const yTrue = tf.tensor1d([1, 0, 1, 0]);
    const yPred = tf.tensor2d([[0.9], [0.2], [0.3], [0.6]]);
    const expected = [-Math.log(0.9), -Math.log(0.8), -Math.log(0.3), -Math.log(0.4)];
    const loss = new BinaryCrossentropy();
    assertClose(take(loss.call(yTrue, yPred)), expected);
    assertClose(take(loss.apply(yTrue, yPred)), mean(expected));
    // [batch, 1] labels give the same
    const yTrue2 = tf.tensor2d([[1], [0], [1], [0]]);
    assertClose(take(loss.apply(yTrue2, yPred)), mean(expected));
    tf.dispose([yTrue, yPred, yTrue2]);
  });
});

Deno.test("binaryCrossentropy averages over the last axis (Keras documentation example)", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[0, 1], [0, 0]]);
    const yPred = tf.tensor2d([[0.6, 0.4], [0.4, 0.6]]);
    const expected = [
      (bceProb(0, 0.6) + bceProb(1, 0.4)) / 2,
      (bceProb(0, 0.4) + bceProb(0, 0.6)) / 2,
    ];
    assertClose(take(binaryCrossentropy(yTrue, yPred)), expected);
    assertClose(expected, [0.916, 0.714], 1e-3); // the numbers Keras documents
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("BinaryCrossentropy fromLogits matches the sigmoid form and stays finite at ±100", () => {
  noLeaks(() => {
    const x = [2, -1, 0, 0.5];
    const z = [1, 0, 1, 0];
    const expected = x.map((xi, i) =>
      -(z[i] * Math.log(sigmoid(xi)) + (1 - z[i]) * Math.log(1 - sigmoid(xi)))
    );
    const loss = new BinaryCrossentropy({ fromLogits: true });
    const yTrue = tf.tensor1d(z);
    const yPred = tf.tensor2d(x, [4, 1]);
    assertClose(take(loss.call(yTrue, yPred)), expected);
    // a logit of 100 with label 0 costs 100, -100 with label 1 also 100, the right way round ~0
    const big = tf.tensor2d([[100], [-100], [100], [-100]]);
    const bigLabels = tf.tensor1d([0, 1, 1, 0]);
    assertClose(take(loss.call(bigLabels, big)), [100, 100, 0, 0], 1e-5);
    tf.dispose([yTrue, yPred, big, bigLabels]);
  });
});

Deno.test("BinaryCrossentropy fromLogits gradient at logit 0 is sigmoid(0) - z", () => {
  noLeaks(() => {
    const loss = new BinaryCrossentropy({ fromLogits: true });
    const yTrue = tf.tensor1d([1, 0]);
    const x = tf.tensor2d([[0], [0]]);
    const grad = tf.grad((p: tf.Tensor) => loss.apply(yTrue, p))(x);
    // d/dx mean(loss) = (sigmoid(x) - z) / batch
    assertClose(take(grad), [(0.5 - 1) / 2, (0.5 - 0) / 2]);
    tf.dispose([yTrue, x]);
  });
});

Deno.test("BinaryCrossentropy labelSmoothing squeezes targets towards 0.5", () => {
  noLeaks(() => {
    const s = 0.2;
    const loss = new BinaryCrossentropy({ labelSmoothing: s });
    const yTrue = tf.tensor1d([1, 0]);
    const yPred = tf.tensor2d([[0.7], [0.1]]);
    const expected = [bceProb(1 * (1 - s) + s / 2, 0.7), bceProb(0 + s / 2, 0.1)];
    assertClose(take(loss.call(yTrue, yPred)), expected);
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("BinaryCrossentropy probabilities of exactly 0 and 1 give finite values and gradients", () => {
  noLeaks(() => {
    const loss = new BinaryCrossentropy();
    const yTrue = tf.tensor1d([1, 0, 1, 0]);
    const yPred = tf.tensor2d([[0], [1], [1], [0]]);
    const values = take(loss.call(yTrue, yPred));
    assert.ok(values.every(Number.isFinite));
    // wrong and certain: -log(1e-7) ≈ 16.1 (float32 rounding of 1 - 1e-7 gives ≈ 15.9)
    assertClose(values[0], -Math.log(1e-7), 1e-3);
    assert.ok(Math.abs(values[1] + Math.log(1e-7)) < 0.2);
    // right and certain: about 0
    assert.ok(values[2] < 1e-6 && values[3] < 1e-6);
    const grad = take(tf.grad((p: tf.Tensor) => loss.apply(yTrue, p))(yPred));
    assert.ok(grad.every(Number.isFinite));
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("BinaryCrossentropy sampleWeight gives sum(loss_i * w_i) / batch", () => {
  noLeaks(() => {
    const loss = new BinaryCrossentropy();
    const yTrue = tf.tensor1d([1, 0, 1, 0]);
    const yPred = tf.tensor2d([[0.9], [0.2], [0.3], [0.6]]);
    const per = [-Math.log(0.9), -Math.log(0.8), -Math.log(0.3), -Math.log(0.4)];
    const w = [1, 0, 2, 0.5];
    const expected = per.reduce((acc, l, i) => acc + l * w[i], 0) / 4;
    const weights = tf.tensor1d(w);
    assertClose(take(loss.apply(yTrue, yPred, weights)), expected);
    const weights2 = tf.tensor2d(w, [4, 1]);
    assertClose(take(loss.apply(yTrue, yPred, weights2)), expected);
    const scalar = tf.scalar(3);
    assertClose(take(loss.apply(yTrue, yPred, scalar)), 3 * mean(per));
    const bad = tf.tensor1d([1, 2, 3]);
    assert.throws(() => loss.apply(yTrue, yPred, bad), RangeError);
    tf.dispose([yTrue, yPred, weights, weights2, scalar, bad]);
  });
});

Deno.test("Loss reductions sum and mean_with_sample_weight", () => {
  noLeaks(() => {
    const yTrue = tf.tensor1d([1, 0]);
    const yPred = tf.tensor2d([[0.9], [0.2]]);
    const per = [-Math.log(0.9), -Math.log(0.8)];
    const w = tf.tensor1d([2, 1]);
    const sum = new BinaryCrossentropy({ reduction: "sum" });
    assertClose(take(sum.apply(yTrue, yPred, w)), 2 * per[0] + per[1]);
    const byWeight = new BinaryCrossentropy({ reduction: "mean_with_sample_weight" });
    assertClose(take(byWeight.apply(yTrue, yPred, w)), (2 * per[0] + per[1]) / 3);
    assert.throws(
      () => new BinaryCrossentropy({ reduction: "none" as "sum" }),
      /"reduction" must be one of/,
    );
    tf.dispose([yTrue, yPred, w]);
  });
});

Deno.test("CategoricalCrossentropy probabilities (Keras documentation example)", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[0, 1, 0], [0, 0, 1]]);
    const yPred = tf.tensor2d([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    const expected = [-Math.log(0.95), -Math.log(0.1)];
    const loss = new CategoricalCrossentropy();
    assertClose(take(loss.call(yTrue, yPred)), expected);
    assertClose(take(loss.apply(yTrue, yPred)), 1.177, 1e-3);
    const w = tf.tensor1d([0.3, 0.7]);
    assertClose(take(loss.apply(yTrue, yPred, w)), (0.3 * expected[0] + 0.7 * expected[1]) / 2);
    tf.dispose([yTrue, yPred, w]);
  });
});

Deno.test("categoricalCrossentropy renormalises probabilities and clips zeros", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[0, 1], [1, 0]]);
    const yPred = tf.tensor2d([[1, 3], [0, 2]]); // rows sum to 4 and 2
    const values = take(categoricalCrossentropy(yTrue, yPred));
    assertClose(values[0], -Math.log(0.75));
    assertClose(values[1], -Math.log(1e-7), 1e-3);
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("CategoricalCrossentropy fromLogits uses log-sum-exp and stays finite", () => {
  noLeaks(() => {
    const loss = new CategoricalCrossentropy({ fromLogits: true });
    const yTrue = tf.tensor2d([[0, 0, 1], [0, 1, 0]]);
    const yPred = tf.tensor2d([[1, 2, 3], [1000, 0, -1000]]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    assertClose(take(loss.call(yTrue, yPred)), [lse - 3, 1000]);
    // gradient of the mean is (softmax - z) / batch
    const x = tf.tensor2d([[1, 2, 3]]);
    const z = tf.tensor2d([[0, 0, 1]]);
    const e = [1, 2, 3].map((v) => Math.exp(v - lse));
    const grad = take(tf.grad((p: tf.Tensor) => loss.apply(z, p))(x));
    assertClose(grad, [e[0], e[1], e[2] - 1]);
    tf.dispose([yTrue, yPred, x, z]);
  });
});

Deno.test("CategoricalCrossentropy labelSmoothing gives z (1 - s) + s / classes", () => {
  noLeaks(() => {
    const s = 0.1;
    const loss = new CategoricalCrossentropy({ labelSmoothing: s });
    const yTrue = tf.tensor2d([[0, 1, 0]]);
    const p = [0.2, 0.7, 0.1];
    const yPred = tf.tensor2d([p]);
    const z = [s / 3, 1 - s + s / 3, s / 3];
    const expected = -z.reduce((acc, zi, i) => acc + zi * Math.log(p[i]), 0);
    assertClose(take(loss.call(yTrue, yPred)), [expected]);
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("categoricalCrossentropy rejects integer labels and points to the sparse loss", () => {
  noLeaks(() => {
    const yTrue = tf.tensor1d([1, 2]);
    const yPred = tf.tensor2d([[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]);
    assert.throws(
      () => categoricalCrossentropy(yTrue, yPred),
      (e: unknown) =>
        e instanceof RangeError && /sparse_categorical_crossentropy/.test(e.message) &&
        /\[2\]/.test(e.message) && /\[2,3\]/.test(e.message),
    );
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("SparseCategoricalCrossentropy takes float, int, [batch] and [batch, 1] labels", () => {
  noLeaks(() => {
    const loss = new SparseCategoricalCrossentropy();
    const yPred = tf.tensor2d([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    const expected = [-Math.log(0.95), -Math.log(0.1)];
    const labels = [
      tf.tensor1d([1, 2]),
      tf.tensor1d([1, 2], "int32"),
      tf.tensor2d([[1], [2]]),
      tf.tensor2d([[1], [2]], [2, 1], "int32"),
    ];
    for (const yTrue of labels) assertClose(take(loss.call(yTrue, yPred)), expected);
    // Keras documents 0.814 for sample weights [0.3, 0.7]
    const w = tf.tensor1d([0.3, 0.7]);
    assertClose(take(loss.apply(labels[0], yPred, w)), 0.814, 1e-3);
    tf.dispose([yPred, w, ...labels]);
  });
});

Deno.test("SparseCategoricalCrossentropy fromLogits equals categorical on one-hot labels", () => {
  noLeaks(() => {
    const logits = [[2, 1, 0.1], [-3, 4, 0]];
    const yPred = tf.tensor2d(logits);
    const yTrue = tf.tensor1d([0, 2]);
    const expected = logits.map((row, i) => {
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      return lse - row[[0, 2][i]];
    });
    assertClose(
      take(sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits: true })),
      expected,
    );
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("SparseCategoricalCrossentropy ignoreClass averages over the other entries", () => {
  noLeaks(() => {
    const loss = new SparseCategoricalCrossentropy({ ignoreClass: -1 });
    const yPred = tf.tensor2d([[0.2, 0.8], [0.5, 0.5], [0.6, 0.4]]);
    const yTrue = tf.tensor1d([1, -1, 0]);
    const l0 = -Math.log(0.8);
    const l2 = -Math.log(0.6);
    assertClose(take(loss.call(yTrue, yPred)), [l0, 0, l2]);
    assertClose(take(loss.apply(yTrue, yPred)), (l0 + l2) / 2);
    const w = tf.tensor1d([2, 5, 1]);
    assertClose(take(loss.apply(yTrue, yPred, w)), (2 * l0 + l2) / 2);
    tf.dispose([yTrue, yPred, w]);
  });
});

Deno.test("sparseCategoricalCrossentropy rejects labels of the wrong shape", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[0, 1], [1, 0]]);
    const yPred = tf.tensor2d([[0.5, 0.5], [0.5, 0.5]]);
    assert.throws(() => sparseCategoricalCrossentropy(yTrue, yPred), /one class id per row/);
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("Cross-entropy losses do not leak tensors", () => {
  const yTrue = tf.tensor1d([1, 0]);
  const yPred = tf.tensor2d([[0.3, 0.7], [0.9, 0.1]]);
  const oneHot = tf.tensor2d([[0, 1], [1, 0]]);
  const before = tf.memory().numTensors;
  for (const fromLogits of [false, true]) {
    take(new SparseCategoricalCrossentropy({ fromLogits }).apply(yTrue, yPred));
    take(new SparseCategoricalCrossentropy({ fromLogits, ignoreClass: 0 }).apply(yTrue, yPred));
    take(new CategoricalCrossentropy({ fromLogits, labelSmoothing: 0.1 }).apply(oneHot, yPred));
    take(new BinaryCrossentropy({ fromLogits, labelSmoothing: 0.1 }).apply(oneHot, yPred));
    take(new BinaryCrossentropy({ fromLogits }).call(oneHot, yPred));
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([yTrue, yPred, oneHot]);
});
