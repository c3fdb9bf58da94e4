import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  checkSparseLabels,
  getLoss,
  Hinge,
  Huber,
  KLDivergence,
  LogCosh,
  type Loss,
  LossFunctionWrapper,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from "../../losses/mod.ts";
import { assertClose, noLeaks, take } from "./_helpers.ts";

Deno.test("getLoss resolves snake_case, camelCase, class names and aliases case-insensitively", () => {
  const cases: [string, new () => Loss, string][] = [
    ["binary_crossentropy", BinaryCrossentropy, "binary_crossentropy"],
    ["binaryCrossentropy", BinaryCrossentropy, "binary_crossentropy"],
    ["BinaryCrossentropy", BinaryCrossentropy, "binary_crossentropy"],
    ["BINARY_CROSSENTROPY", BinaryCrossentropy, "binary_crossentropy"],
    ["bce", BinaryCrossentropy, "binary_crossentropy"],
    ["categorical_crossentropy", CategoricalCrossentropy, "categorical_crossentropy"],
    [
      "SparseCategoricalCrossentropy",
      SparseCategoricalCrossentropy,
      "sparse_categorical_crossentropy",
    ],
    ["mse", MeanSquaredError, "mean_squared_error"],
    ["MSE", MeanSquaredError, "mean_squared_error"],
    ["meanSquaredError", MeanSquaredError, "mean_squared_error"],
    ["mae", MeanAbsoluteError, "mean_absolute_error"],
    ["mean_absolute_error", MeanAbsoluteError, "mean_absolute_error"],
    ["huber", Huber, "huber_loss"],
    ["Huber", Huber, "huber_loss"],
    ["hinge", Hinge, "hinge"],
    ["kld", KLDivergence, "kl_divergence"],
    ["KLDivergence", KLDivergence, "kl_divergence"],
    ["kl_divergence", KLDivergence, "kl_divergence"],
    ["log_cosh", LogCosh, "log_cosh"],
    ["logcosh", LogCosh, "log_cosh"],
  ];
  for (const [id, cls, name] of cases) {
    const loss = getLoss(id);
    assert.ok(loss instanceof cls, id);
    assert.equal(loss.name, name, id);
  }
});

Deno.test("getLoss rejects unknown names listing the valid ones", () => {
  assert.throws(
    () => getLoss("binary_crossentropi"),
    (e: unknown) =>
      e instanceof TypeError && /"binary_crossentropi" is not a known loss/.test(e.message) &&
      /binary_crossentropy/.test(e.message) && /mse/.test(e.message),
  );
  assert.throws(() => getLoss(42 as unknown as string), TypeError);
});

Deno.test("getLoss returns a Loss instance unchanged and wraps functions", () => {
  const instance = new BinaryCrossentropy({ fromLogits: true });
  assert.equal(getLoss(instance), instance);
  function myLoss(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
    return tf.abs(tf.sub(t, p));
  }
  const wrapped = getLoss(myLoss);
  assert.ok(wrapped instanceof LossFunctionWrapper);
  assert.equal(wrapped.name, "myLoss");
  const inline = new LossFunctionWrapper((t, p) => tf.sub(t, p));
  assert.equal(inline.name, "loss");
});

Deno.test("LossFunctionWrapper averages non-batch axes and aligns [batch] with [batch, 1]", () => {
  noLeaks(() => {
    const loss = getLoss((t, p) => tf.square(tf.sub(t, p)));
    const yTrue = tf.tensor1d([1, 2]);
    const yPred = tf.tensor2d([[3], [2]]);
    // without alignment [2] - [2,1] would broadcast to [2,2]
    assertClose(take(loss.call(yTrue, yPred)), [4, 0]);
    const wide = tf.tensor2d([[1, 3], [2, 6]]);
    const zeros = tf.zeros([2, 2]);
    assertClose(take(loss.call(zeros, wide)), [(1 + 9) / 2, (4 + 36) / 2]);
    const w = tf.tensor1d([1, 0]);
    assertClose(take(loss.apply(zeros, wide, w)), 5 / 2);
    tf.dispose([yTrue, yPred, wide, zeros, w]);
  });
});

Deno.test("Loss getConfig returns the options and rebuilds an equal loss", () => {
  const configs: [Loss, Record<string, unknown>][] = [
    [new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), {
      name: "binary_crossentropy",
      reduction: "sum_over_batch_size",
      fromLogits: true,
      labelSmoothing: 0.1,
    }],
    [new CategoricalCrossentropy({ labelSmoothing: 0.2, name: "cce" }), {
      name: "cce",
      reduction: "sum_over_batch_size",
      fromLogits: false,
      labelSmoothing: 0.2,
    }],
    [new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 255, reduction: "sum" }), {
      name: "sparse_categorical_crossentropy",
      reduction: "sum",
      fromLogits: true,
      ignoreClass: 255,
    }],
    [new MeanSquaredError(), { name: "mean_squared_error", reduction: "sum_over_batch_size" }],
  ];
  for (const [loss, config] of configs) {
    assert.deepEqual(loss.getConfig(), config);
    const Ctor = loss.constructor as new (options: Record<string, unknown>) => Loss;
    assert.deepEqual(new Ctor(loss.getConfig()).getConfig(), config);
  }
  assert.throws(
    () => new BinaryCrossentropy({ labelSmoothing: 1.5 }),
    /"labelSmoothing" must be a number in \[0, 1\]: received 1.5/,
  );
});

Deno.test("checkSparseLabels names the bad label, its index and the class count", () => {
  checkSparseLabels([0, 1, 2, 2], 3);
  checkSparseLabels(new Float32Array([0, 1]), 2);
  checkSparseLabels(new Int32Array([0, 255, 1]), 2, 255);
  assert.throws(
    () => checkSparseLabels([0, 1, 3], 3),
    (e: unknown) =>
      e instanceof RangeError && /label 3 at index 2 is outside \[0, 3\)/.test(e.message) &&
      /3 classes/.test(e.message),
  );
  assert.throws(() => checkSparseLabels(new Float32Array([-1]), 2), /label -1 at index 0/);
  assert.throws(() => checkSparseLabels([0.5], 2), /label 0.5 at index 0/);
  assert.throws(() => checkSparseLabels([0], 0), /"numClasses" must be a positive integer/);
});
