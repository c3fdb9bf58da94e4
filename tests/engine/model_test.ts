import assert from "node:assert/strict";
import {
  Dataset,
  datasets,
  layers,
  metrics,
  Model,
  optimizers,
  regularizers,
  Sequential,
  setSeed,
  tf,
} from "../../mod.ts";

class Block extends Model {
  dense = new layers.Dense(4, { activation: "relu" });
  override call(x: tf.Tensor): tf.Tensor {
    return this.dense.apply(x);
  }
}

class Tower extends Model {
  stack = [new layers.Dense(3), new layers.Dense(3)];
  heads = { out: new layers.Dense(1) };
  block = new Block();
  notALayer = 5;
  override call(x: tf.Tensor): tf.Tensor {
    let h = this.block.apply(x);
    for (const layer of this.stack) h = layer.apply(h);
    return this.heads.out.apply(h);
  }
}

Deno.test("Model tracks layer fields, arrays and records of layers, and nested models", () => {
  const model = new Tower();
  const y = model.apply(tf.ones([2, 5]));
  assert.deepEqual(y.shape, [2, 1]);
  // block: 5·4+4; stack: 4·3+3, 3·3+3; head: 3·1+1
  assert.equal(model.countParams(), 24 + 15 + 12 + 4);
  assert.equal(model.layers.length, 4);
  assert.equal(model.trainableWeights.length, 8);
  model.trainable = false; // recursive, as in Keras
  assert.equal(model.trainableWeights.length, 0);
  assert.equal(model.block.dense.trainable, false);
  assert.equal(model.nonTrainableWeights.length, 8);
  y.dispose();
  model.dispose();
});

Deno.test("Sequential add, pop, and inputShape inferred at the first call", () => {
  const model = new Sequential();
  model.add(new layers.Dense(4));
  model.add(new layers.Dense(2));
  assert.equal(model.built, false);
  const y = model.apply(tf.ones([3, 7]));
  assert.deepEqual(y.shape, [3, 2]);
  assert.equal(model.countParams(), 7 * 4 + 4 + 4 * 2 + 2);
  const last = model.pop();
  assert.equal(last.name.startsWith("dense"), true);
  assert.equal(model.layers.length, 1);
  y.dispose();
  model.dispose();
  last.dispose();
});

Deno.test("summary prints Keras's table with output shapes and trainable / non-trainable totals", () => {
  const model = new Sequential([
    new layers.Dense(8, { inputShape: [4], name: "hidden" }),
    new layers.BatchNormalization({ name: "norm" }),
    new layers.Dense(1, { name: "out" }),
  ]);
  const lines: string[] = [];
  model.summary((l) => lines.push(l));
  const text = lines.join("\n");
  assert.match(text, /hidden \(Dense\)\s+\(None, 8\)\s+40/);
  assert.match(text, /norm \(BatchNormalization\)\s+\(None, 8\)\s+32/);
  assert.match(text, /out \(Dense\)\s+\(None, 1\)\s+9/);
  assert.match(text, /Total params: 81/);
  assert.match(text, /Trainable params: 65/); // 40 + 16 (gamma, beta) + 9
  assert.match(text, /Non-trainable params: 16/); // moving mean and variance
  assert.match(text, /Backend: \w+/);
  model.dispose();
});

Deno.test("regularization penalties are added to the training loss", async () => {
  // kernel all ones [2,1], l2 0.5 → penalty 0.5 · 2 = 1; zero inputs and targets → data loss 0.
  const model = new Sequential([
    new layers.Dense(1, {
      inputShape: [2],
      kernelInitializer: "ones",
      kernelRegularizer: new regularizers.L1L2({ l2: 0.5 }),
    }),
  ]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const logs = await model.evaluate(tf.zeros([4, 2]), tf.zeros([4, 1]));
  assert.ok(Math.abs(logs.loss - 1) < 1e-6, `loss ${logs.loss}`);
  model.dispose();
});

Deno.test("compile takes Keras names in any spelling, instances and user functions", async () => {
  const x = tf.tensor2d([[1, 0], [0, 1], [1, 1], [0, 0]]);
  const y = tf.tensor2d([[1], [0], [1], [0]]);
  for (
    const [optimizer, loss] of [["SGD", "MeanSquaredError"], ["rmsprop", "meanSquaredError"], [
      "Adam",
      "mse",
    ]]
  ) {
    const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer, loss, metrics: ["mae", "RootMeanSquaredError"] });
    const history = await model.fit(x, y, { epochs: 1, verbose: 0 });
    assert.deepEqual(Object.keys(history.history).sort(), [
      "RootMeanSquaredError",
      "learning_rate",
      "loss",
      "mae",
    ]);
    model.dispose();
  }
  const custom = new Sequential([
    new layers.Dense(1, { inputShape: [2], kernelInitializer: "zeros" }),
  ]);
  const absError = (t: tf.Tensor, p: tf.Tensor) => tf.abs(tf.sub(t, p));
  const maxPred = function max_pred(_t: tf.Tensor, p: tf.Tensor) {
    return tf.max(p, -1);
  };
  custom.compile({ optimizer: "sgd", loss: absError, metrics: [maxPred] });
  const logs = await custom.evaluate(x, y);
  assert.ok(Math.abs(logs.loss - 0.5) < 1e-6); // zero predictions against half ones
  assert.equal(logs.max_pred, 0);
  tf.dispose([x, y]);
  custom.dispose();
});

Deno.test('"accuracy" resolves to binary, categorical or sparse accuracy by shapes', async () => {
  const x = tf.tensor2d([[1, 0], [0, 1]]);
  const cases: [number, string, tf.Tensor, new (...a: never[]) => metrics.Metric][] = [
    [1, "binary_crossentropy", tf.tensor2d([[1], [0]]), metrics.BinaryAccuracy],
    [
      3,
      "categorical_crossentropy",
      tf.tensor2d([[0, 1, 0], [1, 0, 0]]),
      metrics.CategoricalAccuracy,
    ],
    [3, "sparse_categorical_crossentropy", tf.tensor1d([1, 0]), metrics.SparseCategoricalAccuracy],
  ];
  for (const [units, loss, y, kind] of cases) {
    const model = new Sequential([
      new layers.Dense(units, { inputShape: [2], activation: units === 1 ? "sigmoid" : "softmax" }),
    ]);
    model.compile({ optimizer: "sgd", loss, metrics: ["accuracy"] });
    const logs = await model.evaluate(x, y);
    const metric = model.compiled!.metrics[0];
    assert.equal(metric.name, "accuracy");
    assert.ok(metric instanceof kind, `${loss}: ${metric.constructor.name}`);
    assert.ok("accuracy" in logs);
    y.dispose();
    model.dispose();
  }
  x.dispose();
});

Deno.test("fit accepts a Dataset of [x, y] batches and evaluate/predict accept Datasets", async () => {
  setSeed(4);
  const xs = tf.randomNormal([64, 3], 0, 1, "float32", 4);
  const ys = tf.tidy(() => tf.cast(tf.greater(tf.sum(xs, 1, true), 0), "float32"));
  const ds = Dataset.fromArrays(xs, ys).shuffle(64, { seed: 1 }).batch(16);
  const model = new Sequential([new layers.Dense(1, { activation: "sigmoid", inputShape: [3] })]);
  model.compile({
    optimizer: new optimizers.Adam({ learningRate: 0.05 }),
    loss: "bce",
    metrics: ["accuracy"],
  });
  await model.fit(ds, undefined, { epochs: 1, verbose: 0 }); // creates Adam's slots
  const before = tf.memory().numTensors;
  const history = await model.fit(ds, undefined, { epochs: 10, verbose: 0 });
  assert.equal(history.history.loss.length, 10);
  assert.ok(history.history.loss[9] < history.history.loss[0]);
  const logs = await model.evaluate(ds);
  assert.ok(logs.accuracy > 0.8, `accuracy ${logs.accuracy}`);
  const p = model.predict(Dataset.fromArrays(xs).batch(10));
  assert.deepEqual(p.shape, [64, 1]);
  p.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([xs, ys]);
  model.dispose();
});

Deno.test("a digits MLP reaches >= 0.95 test accuracy on a held-out 20%", async () => {
  setSeed(0);
  const data = await datasets.digits();
  const { xTrain, xTest, yTrain, yTest } = datasets.trainTestSplit(data.x, data.y, {
    testSize: 0.2,
    seed: 0,
  });
  const scaler = datasets.minMaxScale(xTrain);
  const [a, b] = [scaler.transform(xTrain), scaler.transform(xTest)];
  const model = new Sequential([
    new layers.Dense(64, { activation: "relu", inputShape: [64] }),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
  model.compile({
    optimizer: "adam",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  await model.fit(a, yTrain, { epochs: 30, batchSize: 32, verbose: 0 });
  const { accuracy } = await model.evaluate(b, yTest);
  assert.ok(accuracy >= 0.95, `test accuracy ${accuracy}`);
  tf.dispose([data.x, data.y, xTrain, xTest, yTrain, yTest, a, b]);
  model.dispose();
});
