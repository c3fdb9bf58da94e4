import assert from "node:assert/strict";
import { callbacks, layers, Model, optimizers, Sequential, setSeed, tf } from "../../mod.ts";

function linearModel(units = 1, inputDim = 2): Sequential {
  return new Sequential([
    new layers.Dense(units, { inputShape: [inputDim], kernelInitializer: "ones" }),
  ]);
}

Deno.test("fit validationSplit takes the last fraction before shuffling (Keras)", async () => {
  setSeed(1);
  const n = 10;
  const x = tf.tensor2d(Array.from({ length: n }, (_, i) => [i, 0]));
  const y = tf.tensor2d(Array.from({ length: n }, (_, i) => [i]));
  // A model that records which samples it is evaluated on.
  const seenVal: number[] = [];
  class Spy extends Model {
    dense = new layers.Dense(1);
    override call(inputs: tf.Tensor, options: { training?: boolean }): tf.Tensor {
      if (!options.training && inputs.shape[0] > 1) {
        seenVal.push(...(tf.slice(inputs, [0, 0], [-1, 1]).dataSync()));
      }
      return this.dense.apply(inputs);
    }
  }
  const model = new Spy();
  model.compile({ optimizer: "sgd", loss: "mse" });
  await model.fit(x, y, { epochs: 1, batchSize: 4, validationSplit: 0.3, verbose: 0 });
  // floor(10 * 0.7) = 7 training samples; samples 7, 8, 9 validate.
  assert.deepEqual(seenVal, [7, 8, 9]);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("fit History has loss, metrics, val_ keys and one value per epoch", async () => {
  setSeed(2);
  const x = tf.randomNormal([20, 2], 0, 1, "float32", 1);
  const y = tf.cast(tf.greater(tf.sum(x, 1, true), 0), "float32");
  const model = new Sequential([new layers.Dense(1, { activation: "sigmoid", inputShape: [2] })]);
  model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 8,
    validationSplit: 0.25,
    verbose: 0,
  });
  assert.deepEqual(Object.keys(history.history).sort(), [
    "accuracy",
    "learning_rate",
    "loss",
    "val_accuracy",
    "val_loss",
  ]);
  for (const values of Object.values(history.history)) assert.equal(values.length, 3);
  assert.deepEqual(history.epoch, [0, 1, 2]);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("fit initialEpoch starts counting there and runs epochs - initialEpoch epochs", async () => {
  const x = tf.ones([4, 2]);
  const y = tf.zeros([4, 1]);
  const model = linearModel();
  model.compile({ optimizer: "sgd", loss: "mse" });
  const history = await model.fit(x, y, { epochs: 5, initialEpoch: 3, verbose: 0 });
  assert.deepEqual(history.epoch, [3, 4]);
  assert.equal(history.history.loss.length, 2);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("fit batchSize >= samples is one step of batch gradient descent", async () => {
  // Loss mse on y = 0 with w = [1, 1], b = 0 and x = [[1, 2], [3, 4]]:
  // pred = [3, 7]; dL/dw = 2/n * Σ pred_i x_i = [(3 + 21), (6 + 28)] = [24, 34]; db = 3 + 7 = 10.
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const y = tf.zeros([2, 1]);
  const model = linearModel();
  model.compile({ optimizer: "sgd", loss: "mse" }); // Keras SGD default lr 0.01
  const history = await model.fit(x, y, { epochs: 1, batchSize: 100, verbose: 0, shuffle: false });
  assert.ok(Math.abs(history.history.loss[0] - 29) < 1e-5); // (9 + 49) / 2
  const [w, b] = model.getWeights();
  const wv = w.dataSync();
  assert.ok(Math.abs(wv[0] - (1 - 0.01 * 24)) < 1e-6);
  assert.ok(Math.abs(wv[1] - (1 - 0.01 * 34)) < 1e-6);
  assert.ok(Math.abs(b.dataSync()[0] - (0 - 0.01 * 10)) < 1e-6);
  tf.dispose([x, y, w, b]);
  model.dispose();
});

Deno.test("fit sampleWeight and classWeight scale each sample's loss (sum over batch size)", async () => {
  // pred = [3, 7] against 0: per-sample mse [9, 49].
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const y = tf.tensor2d([[0], [1]]);
  const model = linearModel();
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0 }), loss: "mse" });
  const h1 = await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, sampleWeight: [2, 0.5] });
  // losses [9, 36] → (2·9 + 0.5·36) / 2 = 18
  assert.ok(Math.abs(h1.history.loss[0] - 18) < 1e-5);
  const h2 = await model.fit(x, y, {
    epochs: 1,
    batchSize: 2,
    verbose: 0,
    classWeight: { 0: 1, 1: 3 },
  });
  // (1·9 + 3·36) / 2 = 58.5
  assert.ok(Math.abs(h2.history.loss[0] - 58.5) < 1e-5);
  const logs = await model.evaluate(x, y, { sampleWeight: [0, 1] });
  assert.ok(Math.abs(logs.loss - 18) < 1e-5); // (0 + 36) / 2
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("fit, evaluate and predict leave tf.memory().numTensors unchanged", async () => {
  setSeed(3);
  const x = tf.randomNormal([50, 4], 0, 1, "float32", 3);
  const y = tf.cast(tf.greater(tf.sum(x, 1, true), 0), "float32");
  const model = new Sequential([
    new layers.Dense(8, { activation: "relu", inputShape: [4] }),
    new layers.Dropout(0.2),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({ optimizer: "adam", loss: "bce", metrics: ["accuracy"] });
  await model.fit(x, y, { epochs: 1, verbose: 0 }); // creates the optimizer's slots
  const before = tf.memory().numTensors;
  await model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.2, verbose: 0 });
  await model.evaluate(x, y);
  const p = model.predict(x, { batchSize: 7 });
  assert.deepEqual(p.shape, [50, 1]);
  p.dispose();
  model.trainOnBatch(x, y);
  model.testOnBatch(x, y);
  model.predictOnBatch(x).dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("setSeed makes two runs bit-identical", async () => {
  async function run(): Promise<Float32Array[]> {
    setSeed(123);
    const x = tf.randomNormal([40, 3], 0, 1, "float32", 7);
    const y = tf.randomUniform([40, 1], 0, 1, "float32", 8);
    const model = new Sequential([
      new layers.Dense(5, { activation: "tanh", inputShape: [3] }),
      new layers.Dropout(0.3),
      new layers.Dense(1),
    ]);
    model.compile({ optimizer: "adam", loss: "mse" });
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    const ws = model.getWeights();
    const out = ws.map((w) => w.dataSync() as Float32Array);
    tf.dispose([x, y, ...ws]);
    model.dispose();
    return out;
  }
  const a = await run();
  const b = await run();
  assert.deepEqual(a, b);
});

Deno.test("stopTraining from a callback stops fit after the current batch", async () => {
  const x = tf.ones([8, 2]);
  const y = tf.zeros([8, 1]);
  const model = linearModel();
  model.compile({ optimizer: "sgd", loss: "mse" });
  let batches = 0;
  class Stop extends callbacks.Callback {
    override onTrainBatchEnd(): Promise<void> {
      batches++;
      if (batches === 2) this.model!.stopTraining = true;
      return Promise.resolve();
    }
  }
  const history = await model.fit(x, y, {
    epochs: 5,
    batchSize: 2,
    verbose: 0,
    callbacks: [new Stop()],
  });
  assert.equal(batches, 2);
  assert.equal(history.epoch.length, 1);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("fit validationFreq and stepsPerEpoch follow Keras", async () => {
  const x = tf.ones([8, 2]);
  const y = tf.zeros([8, 1]);
  const model = linearModel();
  model.compile({ optimizer: "sgd", loss: "mse" });
  let steps = 0;
  class Count extends callbacks.Callback {
    override onTrainBatchEnd(): Promise<void> {
      steps++;
      return Promise.resolve();
    }
  }
  const history = await model.fit(x, y, {
    epochs: 4,
    batchSize: 2,
    stepsPerEpoch: 3,
    validationData: [x, y],
    validationFreq: 2,
    verbose: 0,
    callbacks: [new Count()],
  });
  assert.equal(steps, 12);
  assert.equal(history.history.val_loss.length, 2); // after epochs 2 and 4
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("fit with validationData leaves no tensor behind", async () => {
  const x = tf.randomUniform([16, 3]);
  const y = tf.randomUniform([16, 1]);
  const before = tf.memory().numTensors;
  const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  await model.fit(x, y, { epochs: 2, verbose: 0, validationData: [x, y] });
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
});
