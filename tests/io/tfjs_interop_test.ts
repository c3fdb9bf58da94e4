import assert from "node:assert/strict";
import * as tfl from "@tensorflow/tfjs";
import { loadWithTfjs, saveWithTfjs } from "./_tfjs.ts";
import { layers, loadModel, type Model, Sequential, setSeed, tf } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])),
      `index ${i}: ${a[i]} vs ${b[i]}`,
    );
  }
}

const KERNO_MODELS: [string, () => Model, number[]][] = [
  ["Dense, BatchNormalization, Dropout, Activation", () =>
    new Sequential([
      new layers.Dense(8, { activation: "relu", inputShape: [5] }),
      new layers.BatchNormalization(),
      new layers.Dropout(0.5),
      new layers.Dense(3),
      new layers.Activation("softmax"),
    ]), [4, 5]],
  ["Conv2D, MaxPooling2D, Flatten, Dense", () =>
    new Sequential([
      new layers.Conv2D(3, 3, { activation: "relu", inputShape: [6, 6, 2] }),
      new layers.MaxPooling2D(),
      new layers.Flatten(),
      new layers.Dense(2, { activation: "sigmoid" }),
    ]), [2, 6, 6, 2]],
  ["Conv1D, AveragePooling1D, GlobalAveragePooling1D, LayerNormalization", () =>
    new Sequential([
      new layers.Conv1D(4, 3, { padding: "same", inputShape: [8, 3] }),
      new layers.AveragePooling1D(),
      new layers.LayerNormalization(),
      new layers.GlobalAveragePooling1D(),
      new layers.Dense(2),
    ]), [3, 8, 3]],
];

for (const [name, make, shape] of KERNO_MODELS) {
  Deno.test(`Model.save output loads in TensorFlow.js with the same predictions (${name})`, async () => {
    const { dir, cleanup } = await tempDir();
    setSeed(21);
    const model = make();
    // Train a step so that moving statistics and weights are not their initial values.
    model.compile({ optimizer: "adam", loss: "mse" });
    const x = tf.randomNormal(shape, 0, 1, "float32", 5);
    const y = tf.tidy(() => tf.onesLike(model.predict(x)));
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    await model.save(dir);
    const expected = model.predict(x);
    model.dispose();
    const theirs = await loadWithTfjs(dir);
    const got = theirs.predict(x) as tf.Tensor;
    assertClose(got.dataSync(), expected.dataSync());
    tf.dispose([x, y, expected, got]);
    theirs.dispose();
    await cleanup();
  });
}

Deno.test("loadModel reads a model TensorFlow.js Layers saved, with the same predictions", async () => {
  const { dir, cleanup } = await tempDir();
  const theirs = tfl.sequential({
    layers: [
      tfl.layers.conv1d({ filters: 3, kernelSize: 2, inputShape: [6, 2], activation: "relu" }),
      tfl.layers.maxPooling1d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 4, activation: "tanh", kernelInitializer: "heNormal" }),
      tfl.layers.batchNormalization(),
      tfl.layers.dropout({ rate: 0.1 }),
      tfl.layers.dense({
        units: 2,
        activation: "softmax",
        kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }),
      }),
    ],
  });
  await saveWithTfjs(theirs, dir);
  const before = tf.memory().numTensors;
  const ours = await loadModel(dir);
  const x = tf.randomNormal([5, 6, 2], 0, 1, "float32", 9);
  const expected = theirs.predict(x) as tf.Tensor;
  const got = ours.predict(x);
  assertClose(got.dataSync(), expected.dataSync());
  assert.deepEqual(ours.layers.map((l) => l.constructor.name), [
    "Conv1D",
    "MaxPooling1D",
    "Flatten",
    "Dense",
    "BatchNormalization",
    "Dropout",
    "Dense",
  ]);
  tf.dispose([x, expected, got]);
  ours.dispose();
  assert.equal(tf.memory().numTensors, before);
  theirs.dispose();
  await cleanup();
});

Deno.test("loadModel reads a TensorFlow.js Embedding model with the same predictions", async () => {
  const { dir, cleanup } = await tempDir();
  const theirs = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 5 }),
      tfl.layers.globalAveragePooling1d(),
      tfl.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  await saveWithTfjs(theirs, dir);
  const ours = await loadModel(dir);
  const x = tf.tensor2d([[1, 2, 3, 4, 5], [11, 0, 7, 7, 2]], [2, 5], "int32");
  const expected = theirs.predict(x) as tf.Tensor;
  const got = ours.predict(x);
  assertClose(got.dataSync(), expected.dataSync());
  tf.dispose([x, expected, got]);
  ours.dispose();
  theirs.dispose();
  await cleanup();
});

Deno.test("tf.loadLayersModel loads a kerno-saved model while that kerno model is alive", async () => {
  const { dir, cleanup } = await tempDir();
  setSeed(8);
  // Layer names no TensorFlow.js model in this process has used: before kerno gave its
  // variables engine names of their own, "beside/kernel" was taken and TF.js threw
  // "Variable with name beside/kernel was already registered".
  const model = new Sequential([
    new layers.Dense(4, { activation: "tanh", inputShape: [3], name: "beside" }),
    new layers.Dense(2, { name: "beside_out" }),
  ]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = tf.randomNormal([5, 3], 0, 1, "float32", 3);
  await model.fit(x, tf.zeros([5, 2]), { epochs: 1, verbose: 0 });
  await model.save(dir);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  assert.deepEqual(
    json.weightsManifest[0].weights.map((w: { name: string }) => w.name),
    ["beside/kernel", "beside/bias", "beside_out/kernel", "beside_out/bias"],
  );
  const expected = model.predict(x);
  const theirs = await loadWithTfjs(dir);
  const got = theirs.predict(x) as tf.Tensor;
  assertClose(got.dataSync(), expected.dataSync());
  const again = model.predict(x); // kerno's model is untouched by the load
  assert.deepEqual(again.dataSync(), expected.dataSync());
  tf.dispose([x, expected, got, again]);
  theirs.dispose();
  model.dispose();
  await cleanup();
});
