/**
 * The image preprocessing layers in saved models: a model that takes raw
 * 0-255 images of any size (Resizing and Rescaling inside) saves and loads
 * in `.keras` with the same predictions; Rescaling saves in the TensorFlow.js
 * format too (TensorFlow.js Layers loads it, same predictions); Resizing,
 * CenterCrop and the random layers are refused there by name (TensorFlow.js
 * 4.22's own Resizing and CenterCrop break the models holding them), and
 * round-trip in `.keras`.
 */
import assert from "node:assert/strict";
import { Input, layers, loadModel, Model, Sequential, setSeed, tf } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";
import { loadWithTfjs } from "./_tfjs.ts";

function rawImageModel(): Model {
  const inputs = Input({ shape: [null, null, 3], name: "photo" });
  let x = new layers.Resizing(12, 12, { interpolation: "bilinear" }).apply(inputs);
  x = new layers.Rescaling(1 / 255).apply(x);
  x = new layers.CenterCrop(10, 10).apply(x);
  x = new layers.Conv2D(4, 3, { activation: "relu" }).apply(x);
  x = new layers.Flatten().apply(x);
  const outputs = new layers.Dense(3, { activation: "softmax" }).apply(x);
  return new Model({ inputs, outputs });
}

function predict(model: Model | { predict(x: tf.Tensor): unknown }, x: tf.Tensor): number[] {
  const y = model.predict(x) as tf.Tensor;
  const out = Array.from(y.dataSync());
  y.dispose();
  return out;
}

Deno.test("a model with Resizing and Rescaling inside predicts on raw images of other sizes, saved and loaded", async () => {
  setSeed(3);
  const { dir, cleanup } = await tempDir();
  const model = rawImageModel();
  const photos = tf.randomUniform([2, 30, 24, 3], 0, 255, "float32", 5);
  const small = tf.randomUniform([3, 9, 11, 3], 0, 255, "float32", 6);
  const want = predict(model, photos);
  const wantSmall = predict(model, small);
  assert.equal(want.length, 6);
  assert.equal(wantSmall.length, 9);
  try {
    await model.save(`${dir}/m.keras`);
    const loaded = await loadModel(`${dir}/m.keras`);
    assert.deepEqual(predict(loaded, photos), want);
    assert.deepEqual(predict(loaded, small), wantSmall);
    const resize = loaded.layers.find((l) => l instanceof layers.Resizing) as layers.Resizing;
    assert.deepEqual([resize.height, resize.width, resize.interpolation], [12, 12, "bilinear"]);
    loaded.dispose();
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /\(Resizing\) could not be loaded there \(TensorFlow.js 4.22's Resizing gives a wrong output shape.*\.keras/,
    );
  } finally {
    tf.dispose([photos, small]);
    model.dispose();
    await cleanup();
  }
});

Deno.test("Rescaling saves in the TensorFlow.js format and TensorFlow.js Layers gives its predictions; CenterCrop is refused there", async () => {
  setSeed(4);
  const { dir, cleanup } = await tempDir();
  const model = new Sequential([
    new layers.Rescaling(1 / 127.5, { offset: -1, inputShape: [6, 6, 3] }),
    new layers.Flatten(),
    new layers.Dense(3),
  ]);
  const x = tf.randomUniform([2, 6, 6, 3], 0, 255, "float32", 7);
  try {
    await model.save(`${dir}/tfjs`);
    const want = predict(model, x);
    const loaded = await loadModel(`${dir}/tfjs`);
    assert.deepEqual(predict(loaded, x), want);
    loaded.dispose();
    const tfjs = await loadWithTfjs(`${dir}/tfjs`);
    assert.deepEqual(tfjs.layers.map((l) => l.getClassName()), ["Rescaling", "Flatten", "Dense"]);
    const y = tfjs.predict(x) as tf.Tensor;
    Array.from(y.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-4));
    y.dispose();
    tfjs.dispose();
    const crop = new Sequential([new layers.CenterCrop(4, 4, { inputShape: [6, 6, 3] })]);
    await assert.rejects(
      () => crop.save(`${dir}/crop`),
      /\(CenterCrop\) could not be loaded there/,
    );
    crop.dispose();
  } finally {
    x.dispose();
    model.dispose();
    await cleanup();
  }
});

Deno.test("the random image layers round-trip in .keras and are refused by name in the TensorFlow.js format", async () => {
  const { dir, cleanup } = await tempDir();
  const model = new Sequential([
    new layers.RandomFlip("horizontal", { seed: 1, inputShape: [8, 8, 1] }),
    new layers.RandomRotation([-0.1, 0.2], { fillMode: "constant", fillValue: 0.5 }),
    new layers.RandomZoom(0.2, null, { interpolation: "nearest" }),
    new layers.RandomTranslation(0.1, [0, 0.2]),
    new layers.RandomContrast(0.3, { valueRange: [0, 1] }),
    new layers.RandomBrightness([-0.1, 0.1], { valueRange: [0, 1], seed: 4 }),
    new layers.RandomCrop(6, 6, { seed: 2 }),
    new layers.Flatten(),
    new layers.Dense(2),
  ]);
  try {
    await model.save(`${dir}/aug.keras`);
    const loaded = await loadModel(`${dir}/aug.keras`);
    const configs = (m: Model) => m.layers.slice(0, 7).map((l) => l.getConfig());
    assert.deepEqual(configs(loaded), configs(model));
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, "float32", 1);
    assert.deepEqual(predict(loaded, x), predict(model, x));
    x.dispose();
    loaded.dispose();
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /its layer random_flip\S* \(RandomFlip\) has no TensorFlow.js Layers equivalent.*\.keras/,
    );
  } finally {
    model.dispose();
    await cleanup();
  }
});
