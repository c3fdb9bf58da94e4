/**
 * Depthwise and separable convolutions in saved models: a model holding
 * DepthwiseConv2D and SeparableConv2D (strides, "same" padding, depth
 * multipliers, dilation, channels first) round-trips in `.keras` and in the
 * TensorFlow.js format, and TensorFlow.js Layers loads the latter and
 * predicts the same; the 1-D layers round-trip in `.keras` and are refused
 * by name in the TensorFlow.js format (TensorFlow.js has neither), as is a
 * dilated DepthwiseConv2D (TensorFlow.js's ignores the dilation).
 */
import assert from "node:assert/strict";
import { Input, layers, loadModel, Model, setSeed, tf } from "../../mod.ts";
import { predictValues, tempDir } from "./_helpers.ts";
import { loadWithTfjs } from "./_tfjs.ts";

function close(got: ArrayLike<number>, want: number[], what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
}

function imageModel(channelsFirst: boolean): Model {
  const dataFormat = channelsFirst ? "channels_first" : "channels_last";
  const inputs = Input({ shape: channelsFirst ? [3, 9, 8] : [9, 8, 3], name: "images" });
  let x = new layers.DepthwiseConv2D(3, {
    depthMultiplier: 2,
    padding: "same",
    strides: 2,
    activation: "relu",
    dataFormat,
    biasInitializer: "glorot_uniform",
  }).apply(inputs);
  x = new layers.SeparableConv2D(4, [2, 3], {
    depthMultiplier: 2,
    dilationRate: 2,
    padding: "same",
    dataFormat,
    biasInitializer: "glorot_uniform",
  }).apply(x);
  x = new layers.SeparableConv2D(3, 2, { activation: "tanh", dataFormat }).apply(x);
  x = new layers.Flatten().apply(x);
  const outputs = new layers.Dense(2).apply(x);
  return new Model({ inputs, outputs });
}

Deno.test("DepthwiseConv2D and SeparableConv2D round-trip in both formats and load in TensorFlow.js Layers", async () => {
  setSeed(11);
  const { dir, cleanup } = await tempDir();
  const model = imageModel(false);
  const x = tf.randomUniform([2, 9, 8, 3], -1, 1, "float32", 3);
  const want = predictValues(model, x);
  try {
    for (const path of [`${dir}/m.keras`, `${dir}/tfjs`]) {
      await model.save(path);
      const loaded = await loadModel(path);
      assert.deepEqual(predictValues(loaded, x), want, path);
      const sep = loaded.layers.find((l) => l instanceof layers.SeparableConv2D)!;
      const keys = ["filters", "kernelSize", "strides", "padding", "dataFormat", "dilationRate"];
      const pick = (c: Record<string, unknown>) =>
        Object.fromEntries([...keys, "depthMultiplier", "activation"].map((k) => [k, c[k]]));
      assert.deepEqual(pick(sep.getConfig()), pick(model.getLayer(sep.name).getConfig()), path);
      loaded.dispose();
    }
    const tfjs = await loadWithTfjs(`${dir}/tfjs`);
    assert.deepEqual(
      tfjs.layers.map((l) => l.getClassName()).slice(1, 4),
      ["DepthwiseConv2D", "SeparableConv2D", "SeparableConv2D"],
    );
    const y = tfjs.predict(x) as tf.Tensor;
    close(y.dataSync(), want, "TensorFlow.js");
    y.dispose();
    tfjs.dispose();
  } finally {
    x.dispose();
    model.dispose();
    await cleanup();
  }
});

Deno.test("channels-first DepthwiseConv2D and SeparableConv2D round-trip in .keras; TensorFlow.js Layers takes the DepthwiseConv2D and is spared the SeparableConv2D", async () => {
  setSeed(14);
  const { dir, cleanup } = await tempDir();
  const model = imageModel(true);
  const x = tf.randomUniform([2, 3, 9, 8], -1, 1, "float32", 4);
  const inputs = Input({ shape: [3, 9, 8] });
  const depthwise = new Model({
    inputs,
    outputs: new layers.DepthwiseConv2D([3, 2], {
      depthMultiplier: 2,
      padding: "same",
      dataFormat: "channels_first",
      biasInitializer: "ones",
    }).apply(inputs),
  });
  try {
    await model.save(`${dir}/m.keras`);
    const loaded = await loadModel(`${dir}/m.keras`);
    assert.deepEqual(predictValues(loaded, x), predictValues(model, x));
    loaded.dispose();
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /\(SeparableConv2D\) could not be loaded there \(TensorFlow.js 4.22's SeparableConv2D adds a channels-first bias/,
    );
    await depthwise.save(`${dir}/dw`);
    const want = predictValues(depthwise, x);
    const again = await loadModel(`${dir}/dw`);
    assert.deepEqual(predictValues(again, x), want);
    again.dispose();
    const tfjs = await loadWithTfjs(`${dir}/dw`);
    const y = tfjs.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [2, 6, 9, 8]);
    close(y.dataSync(), want, "TensorFlow.js channels first");
    y.dispose();
    tfjs.dispose();
  } finally {
    x.dispose();
    model.dispose();
    depthwise.dispose();
    await cleanup();
  }
});

Deno.test("DepthwiseConv1D and SeparableConv1D round-trip in .keras and are refused by name in the TensorFlow.js format", async () => {
  setSeed(12);
  const { dir, cleanup } = await tempDir();
  const inputs = Input({ shape: [10, 4] });
  let h = new layers.DepthwiseConv1D(3, { depthMultiplier: 2, name: "dw1" }).apply(inputs);
  h = new layers.SeparableConv1D(3, 3, { padding: "same", strides: 2, name: "sep1" }).apply(h);
  const model = new Model({ inputs, outputs: new layers.Flatten().apply(h) });
  const x = tf.randomUniform([3, 10, 4], -1, 1, "float32", 5);
  const want = predictValues(model, x);
  try {
    await model.save(`${dir}/m.keras`);
    const loaded = await loadModel(`${dir}/m.keras`);
    assert.deepEqual(predictValues(loaded, x), want);
    loaded.dispose();
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /its layer dw1 \(DepthwiseConv1D\) has no TensorFlow.js Layers equivalent.*\.keras/,
    );
    const sepOnly = new Model({
      inputs,
      outputs: new layers.SeparableConv1D(2, 3, { name: "sep_only" }).apply(inputs),
    });
    await assert.rejects(() => sepOnly.save(`${dir}/tfjs2`), /sep_only \(SeparableConv1D\)/);
    sepOnly.dispose();
  } finally {
    x.dispose();
    model.dispose();
    await cleanup();
  }
});

Deno.test("a dilated DepthwiseConv2D round-trips in .keras and is refused in the TensorFlow.js format", async () => {
  setSeed(13);
  const { dir, cleanup } = await tempDir();
  const inputs = Input({ shape: [7, 7, 2] });
  const outputs = new layers.DepthwiseConv2D(3, { dilationRate: 2, name: "dilated" }).apply(inputs);
  const model = new Model({ inputs, outputs });
  const x = tf.randomUniform([1, 7, 7, 2], -1, 1, "float32", 6);
  try {
    await model.save(`${dir}/m.keras`);
    const loaded = await loadModel(`${dir}/m.keras`);
    assert.deepEqual(predictValues(loaded, x), predictValues(model, x));
    loaded.dispose();
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /dilated \(DepthwiseConv2D\) could not be loaded there \(TensorFlow.js 4.22's DepthwiseConv2D ignores dilationRate/,
    );
  } finally {
    x.dispose();
    model.dispose();
    await cleanup();
  }
});
