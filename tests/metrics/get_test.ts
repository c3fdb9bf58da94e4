import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  AUC,
  BinaryAccuracy,
  CategoricalAccuracy,
  getMetric,
  Mean,
  MeanAbsoluteError,
  MeanMetricWrapper,
  MeanSquaredError,
  Precision,
  Recall,
  RootMeanSquaredError,
  SparseCategoricalAccuracy,
  Sum,
  TopKCategoricalAccuracy,
} from "../../metrics/mod.ts";
import { assertClose, bceProb, noLeaks } from "../losses/_helpers.ts";

Deno.test("getMetric resolves accuracy by shapes as Keras's compile does", () => {
  const cases: [(number | null)[], (number | null)[], unknown][] = [
    [[null, 1], [null, 1], BinaryAccuracy], // binary: prediction's last axis is 1
    [[null], [null, 1], BinaryAccuracy],
    [[32], [32, 1], BinaryAccuracy],
    [[null], [null, 10], SparseCategoricalAccuracy], // labels one rank lower
    [[null, 1], [null, 10], SparseCategoricalAccuracy], // last axis 1 against 10 classes
    [[null, 10], [null, 10], CategoricalAccuracy], // one-hot
  ];
  for (const [yTrueShape, yPredShape, cls] of cases) {
    const m = getMetric("accuracy", { yTrueShape, yPredShape });
    assert.ok(m instanceof (cls as typeof Mean), `${yTrueShape} ${yPredShape}`);
    assert.equal(m.name, "accuracy");
    assert.equal(m.direction, "max");
  }
  const acc = getMetric("acc", { yTrueShape: [null], yPredShape: [null, 3] });
  assert.ok(acc instanceof SparseCategoricalAccuracy);
  assert.equal(acc.name, "acc");
});

Deno.test("getMetric resolves accuracy from the loss when shapes are unknown", () => {
  assert.ok(getMetric("accuracy", { loss: "binary_crossentropy" }) instanceof BinaryAccuracy);
  assert.ok(
    getMetric("accuracy", { loss: "SparseCategoricalCrossentropy" }) instanceof
      SparseCategoricalAccuracy,
  );
  assert.ok(
    getMetric("accuracy", { loss: "categorical_crossentropy" }) instanceof CategoricalAccuracy,
  );
});

Deno.test("getMetric accuracy without context picks the kind from each batch's tensors", () => {
  noLeaks(() => {
    const m = getMetric("accuracy");
    assert.equal(m.name, "accuracy");
    const yb = tf.tensor1d([1, 0, 1, 1]);
    const pb = tf.tensor2d([[0.9], [0.2], [0.4], [0.6]]); // binary: 3 of 4
    m.updateState(yb, pb);
    assertClose(m.result(), 0.75);
    m.resetState();
    const ys = tf.tensor1d([2, 0]);
    const ps = tf.tensor2d([[0.1, 0.2, 0.7], [0.3, 0.6, 0.1]]); // sparse: 1 of 2
    m.updateState(ys, ps);
    assertClose(m.result(), 0.5);
    tf.dispose([yb, pb, ys, ps]);
  });
});

Deno.test("getMetric crossentropy follows the shapes", () => {
  noLeaks(() => {
    const m = getMetric("crossentropy", { yTrueShape: [null], yPredShape: [null, 1] });
    assert.equal(m.name, "crossentropy");
    assert.equal(m.direction, "min");
    const y = tf.tensor1d([1, 0]);
    const p = tf.tensor2d([[0.8], [0.3]]);
    m.updateState(y, p);
    assertClose(m.result(), (bceProb(1, 0.8) + bceProb(0, 0.3)) / 2);
    const ce = getMetric("ce", { yTrueShape: [null], yPredShape: [null, 2] });
    const p2 = tf.tensor2d([[0.2, 0.8], [0.4, 0.6]]);
    ce.updateState(y, p2);
    assertClose(ce.result(), (-Math.log(0.8) - Math.log(0.4)) / 2);
    tf.dispose([y, p, p2]);
  });
});

Deno.test("getMetric resolves names in every case and keeps the given string as name", () => {
  const cases: [string, unknown][] = [
    ["mean", Mean],
    ["Sum", Sum],
    ["binary_accuracy", BinaryAccuracy],
    ["BinaryAccuracy", BinaryAccuracy],
    ["categoricalAccuracy", CategoricalAccuracy],
    ["sparse_categorical_accuracy", SparseCategoricalAccuracy],
    ["top_k_categorical_accuracy", TopKCategoricalAccuracy],
    ["precision", Precision],
    ["Recall", Recall],
    ["auc", AUC],
    ["AUC", AUC],
    ["mse", MeanSquaredError],
    ["mean_squared_error", MeanSquaredError],
    ["RootMeanSquaredError", RootMeanSquaredError],
    ["mae", MeanAbsoluteError],
    ["binary_crossentropy", MeanMetricWrapper],
    ["kld", MeanMetricWrapper],
  ];
  for (const [id, cls] of cases) {
    const m = getMetric(id);
    assert.ok(m instanceof (cls as typeof Mean), id);
    assert.equal(m.name, id);
  }
  assert.equal(getMetric("mse").direction, "min");
  assert.equal(getMetric("binary_crossentropy").direction, "min");
  assert.equal(getMetric("auc").direction, "max");
});

Deno.test("getMetric passes instances through, wraps functions, rejects unknown names", () => {
  const p = new Precision({ thresholds: 0.3 });
  assert.equal(getMetric(p), p);
  function meanDiff(t: tf.Tensor, q: tf.Tensor): tf.Tensor {
    return tf.sub(q, t);
  }
  const wrapped = getMetric(meanDiff);
  assert.ok(wrapped instanceof MeanMetricWrapper);
  assert.equal(wrapped.name, "meanDiff");
  assert.throws(
    () => getMetric("accurcy"),
    (e: unknown) =>
      e instanceof TypeError && /"accurcy" is not a known metric/.test(e.message) &&
      /sparse_categorical_accuracy/.test(e.message) && /auc/.test(e.message),
  );
  assert.throws(() => getMetric(undefined as unknown as string), TypeError);
});

Deno.test("Metric updates leak no tensors", () => {
  const yBin = tf.tensor1d([1, 0, 1]);
  const pBin = tf.tensor2d([[0.7], [0.2], [0.4]]);
  const yOne = tf.tensor2d([[0, 1], [1, 0], [0, 1]]);
  const pCat = tf.tensor2d([[0.3, 0.7], [0.6, 0.4], [0.9, 0.1]]);
  const w = tf.tensor1d([1, 2, 0]);
  const before = tf.memory().numTensors;
  const metrics = [
    [getMetric("accuracy"), yBin, pBin],
    [getMetric("precision"), yBin, pBin],
    [getMetric("recall"), yBin, pBin],
    [getMetric("auc"), yBin, pBin],
    [getMetric("mse"), yBin, pBin],
    [getMetric("root_mean_squared_error"), yBin, pBin],
    [getMetric("categorical_accuracy"), yOne, pCat],
    [new TopKCategoricalAccuracy({ k: 1 }), yOne, pCat],
    [getMetric("sparse_categorical_accuracy"), yBin, pCat],
    [getMetric("crossentropy"), yOne, pCat],
  ] as const;
  for (const [m, y, p] of metrics) {
    m.updateState(y, p);
    m.updateState(y, p, w);
    assert.ok(Number.isFinite(m.result()));
  }
  const mean = new Mean();
  mean.updateState(w);
  mean.updateState(w, w);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([yBin, pBin, yOne, pCat, w]);
});
