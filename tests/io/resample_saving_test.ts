/**
 * Up-sampling, zero-padding, cropping and the new pooling layers in saved
 * models: every one round-trips in both formats where it can be written
 * (same predictions, same configs); models with UpSampling2D, ZeroPadding2D,
 * Cropping2D, 2-D pooling (both data formats) and 3-D pooling saved in the
 * TensorFlow.js format load in TensorFlow.js Layers with the same
 * predictions, and kerno loads what TensorFlow.js saves; the layers
 * TensorFlow.js lacks (and a bilinear UpSampling2D, which it computes
 * differently) are refused there by name, pointing to ".keras".
 */
import assert from "node:assert/strict";
import * as tfl from "@tensorflow/tfjs";
import { Input, layers, loadModel, Model, setSeed, tf } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";
import { loadWithTfjs, saveWithTfjs } from "./_tfjs.ts";

function predict(model: { predict(x: tf.Tensor): unknown }, x: tf.Tensor): number[] {
  const y = model.predict(x) as tf.Tensor;
  const out = Array.from(y.dataSync());
  y.dispose();
  return out;
}

function assertClose(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((v, i) =>
    assert.ok(
      Math.abs(v - want[i]) <= 1e-5 * (1 + Math.abs(want[i])),
      `${what}[${i}]: ${v} vs ${want[i]}`,
    )
  );
}

/** Every layer of this part, in three chains (1-D, 2-D, 3-D) that end in one Dense. */
function everyLayerModel(): Model {
  const cf = { dataFormat: "channels_first" as const };
  const seq = Input({ shape: [6, 3], name: "seq" });
  let s = new layers.ZeroPadding1D([1, 2]).apply(seq);
  s = new layers.UpSampling1D(2).apply(s);
  s = new layers.Cropping1D([1, 3]).apply(s);
  s = new layers.MaxPooling1D(2, cf).apply(s);
  s = new layers.GlobalAveragePooling1D(cf).apply(s);
  const img = Input({ shape: [2, 5, 6], name: "img" }); // channels first
  let i = new layers.ZeroPadding2D([[1, 0], [0, 2]], cf).apply(img);
  i = new layers.UpSampling2D([2, 1], { ...cf, interpolation: "bilinear" }).apply(i);
  i = new layers.Cropping2D([[1, 1], [2, 0]], cf).apply(i);
  i = new layers.AveragePooling2D(2, { ...cf, padding: "same" }).apply(i);
  i = new layers.MaxPooling2D([2, 1], cf).apply(i);
  i = new layers.GlobalMaxPooling2D(cf).apply(i);
  const vol = Input({ shape: [3, 4, 5, 2], name: "vol" });
  let v = new layers.ZeroPadding3D([1, 0, [0, 1]]).apply(vol);
  v = new layers.UpSampling3D([1, 2, 1]).apply(v);
  v = new layers.Cropping3D([0, [1, 1], 1]).apply(v);
  v = new layers.MaxPooling3D(2, { padding: "same" }).apply(v);
  v = new layers.AveragePooling3D([1, 2, 2], { padding: "same" }).apply(v);
  const a = new layers.GlobalAveragePooling3D().apply(v);
  const b = new layers.GlobalMaxPooling3D({ dataFormat: "channels_first" }).apply(v);
  const joined = layers.concatenate([s, i, a, b]);
  const out = new layers.Dense(2).apply(joined);
  return new Model({ inputs: [seq, img, vol], outputs: out });
}

Deno.test("every up-sampling, padding, cropping and pooling layer round-trips in .keras with the same predictions", async () => {
  setSeed(8);
  const { dir, cleanup } = await tempDir();
  const model = everyLayerModel();
  const xs = [
    tf.randomNormal([2, 6, 3], 0, 1, "float32", 1),
    tf.randomNormal([2, 2, 5, 6], 0, 1, "float32", 2),
    tf.randomNormal([2, 3, 4, 5, 2], 0, 1, "float32", 3),
  ];
  try {
    const want = model.predict(xs);
    await model.save(`${dir}/m.keras`);
    const loaded = await loadModel(`${dir}/m.keras`);
    const got = loaded.predict(xs);
    assertClose(Array.from(got.dataSync()), Array.from(want.dataSync()), ".keras");
    const configs = (m: Model) =>
      m.layers.filter((l) => !["InputLayer", "Dense", "Concatenate"].includes(l.constructor.name))
        .map((l) => {
          const { name: _, ...c } = l.getConfig();
          return [l.constructor.name, c];
        });
    assert.equal(configs(model).length, 18);
    assert.deepEqual(configs(loaded), configs(model));
    tf.dispose([want, got]);
    loaded.dispose();
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /its layer zero_padding1d\S* \(ZeroPadding1D\) has no TensorFlow.js Layers equivalent .*no 1-D or 3-D UpSampling, ZeroPadding or Cropping.*\.keras/,
    );
  } finally {
    tf.dispose(xs);
    model.dispose();
    await cleanup();
  }
});

const TFJS_MODELS: [string, () => Model, number[]][] = [
  ["Conv2D, ZeroPadding2D, UpSampling2D, Cropping2D, MaxPooling2D, GlobalAveragePooling2D", () => {
    const inputs = Input({ shape: [7, 6, 2] });
    let x = new layers.Conv2D(3, 3, { activation: "relu" }).apply(inputs);
    x = new layers.ZeroPadding2D([[1, 2], [0, 1]]).apply(x);
    x = new layers.UpSampling2D([2, 3]).apply(x);
    x = new layers.Cropping2D([[1, 0], [2, 3]]).apply(x);
    x = new layers.MaxPooling2D(2, { padding: "same" }).apply(x);
    x = new layers.AveragePooling2D([2, 1]).apply(x);
    x = new layers.GlobalAveragePooling2D().apply(x);
    return new Model({ inputs, outputs: new layers.Dense(2).apply(x) });
  }, [2, 7, 6, 2]],
  ["the same layers, channels first", () => {
    const cf = { dataFormat: "channels_first" as const };
    const inputs = Input({ shape: [2, 5, 4] });
    let x = new layers.ZeroPadding2D([[1, 0], [2, 1]], cf).apply(inputs);
    x = new layers.UpSampling2D([1, 2], cf).apply(x);
    x = new layers.Cropping2D([[0, 1], [1, 2]], cf).apply(x);
    x = new layers.MaxPooling2D([2, 3], { ...cf, strides: 1 }).apply(x);
    x = new layers.AveragePooling2D(2, cf).apply(x);
    x = new layers.GlobalMaxPooling2D(cf).apply(x);
    return new Model({ inputs, outputs: new layers.Dense(3).apply(x) });
  }, [2, 2, 5, 4]],
  ["MaxPooling3D, AveragePooling3D ('same'), GlobalMaxPooling2D, channels first", () => {
    const cf = { dataFormat: "channels_first" as const };
    const inputs = Input({ shape: [2, 5, 4, 6] });
    let x = new layers.MaxPooling3D([2, 1, 2], { ...cf, strides: [1, 1, 2] }).apply(inputs);
    x = new layers.AveragePooling3D([1, 2, 2], { ...cf, padding: "same" }).apply(x);
    x = new layers.Reshape([2, 8, 2]).apply(x);
    x = new layers.GlobalMaxPooling2D(cf).apply(x);
    return new Model({ inputs, outputs: new layers.Dense(2).apply(x) });
  }, [2, 2, 5, 4, 6]],
  ["MaxPooling3D, AveragePooling3D ('same'), Flatten", () => {
    const inputs = Input({ shape: [5, 4, 6, 2] });
    let x = new layers.MaxPooling3D([2, 1, 2], { strides: [1, 1, 2] }).apply(inputs);
    x = new layers.AveragePooling3D(2, { padding: "same" }).apply(x);
    x = new layers.Flatten().apply(x);
    return new Model({ inputs, outputs: new layers.Dense(2).apply(x) });
  }, [2, 5, 4, 6, 2]],
];

for (const [name, make, shape] of TFJS_MODELS) {
  Deno.test(`saved in the TensorFlow.js format, TensorFlow.js Layers loads it with the same predictions, and so does kerno (${name})`, async () => {
    setSeed(9);
    const { dir, cleanup } = await tempDir();
    const model = make();
    const x = tf.randomNormal(shape, 0, 1, "float32", 4);
    try {
      const want = predict(model, x);
      await model.save(`${dir}/tfjs`);
      const theirs = await loadWithTfjs(`${dir}/tfjs`);
      assertClose(predict(theirs, x), want, "TensorFlow.js");
      theirs.dispose();
      const ours = await loadModel(`${dir}/tfjs`);
      assertClose(predict(ours, x), want, "kerno");
      ours.dispose();
    } finally {
      x.dispose();
      model.dispose();
      await cleanup();
    }
  });
}

Deno.test("a channels-first 1-D pooling layer is refused in the TensorFlow.js format (TensorFlow.js reads channels last there)", async () => {
  const { dir, cleanup } = await tempDir();
  const inputs = Input({ shape: [3, 8] });
  const outputs = new layers.GlobalAveragePooling1D({ dataFormat: "channels_first" }).apply(
    new layers.MaxPooling1D(2, { dataFormat: "channels_first" }).apply(inputs),
  );
  const model = new Model({ inputs, outputs });
  try {
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /\(MaxPooling1D\) could not be loaded there \(TensorFlow.js 4.22's 1-D pooling layers have no dataFormat.*\.keras/,
    );
  } finally {
    model.dispose();
    await cleanup();
  }
});

Deno.test("UpSampling2D bilinear is refused in the TensorFlow.js format (TensorFlow.js aligns corners) and saves in .keras", async () => {
  const { dir, cleanup } = await tempDir();
  const inputs = Input({ shape: [3, 3, 1] });
  const outputs = new layers.UpSampling2D(2, { interpolation: "bilinear" }).apply(inputs);
  const model = new Model({ inputs, outputs });
  try {
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /\(UpSampling2D\) could not be loaded there \(TensorFlow.js 4.22's UpSampling2D .* bilinear aligns pixel corners, not centres as Keras 3 \(interpolation "bilinear"\).*\.keras/,
    );
    await model.save(`${dir}/m.keras`);
    const loaded = await loadModel(`${dir}/m.keras`);
    assert.equal((loaded.layers[1] as layers.UpSampling2D).interpolation, "bilinear");
    loaded.dispose();
  } finally {
    model.dispose();
    await cleanup();
  }
});

Deno.test("loadModel reads TensorFlow.js-saved UpSampling2D, ZeroPadding2D, Cropping2D and 3-D pooling, channelsFirst included", async () => {
  const { dir, cleanup } = await tempDir();
  const theirs = tfl.sequential({
    layers: [
      tfl.layers.zeroPadding2d({
        padding: [[1, 0], [0, 2]],
        inputShape: [2, 4, 3],
        dataFormat: "channelsFirst",
      }),
      tfl.layers.upSampling2d({ size: [2, 1], dataFormat: "channelsFirst" }),
      tfl.layers.cropping2D({ cropping: [[1, 2], [1, 0]], dataFormat: "channelsFirst" }),
      tfl.layers.maxPooling2d({ poolSize: 2, dataFormat: "channelsFirst" }),
      tfl.layers.reshape({ targetShape: [2, 3, 2, 1] }),
      tfl.layers.averagePooling3d({ poolSize: [1, 2, 2], padding: "same" }),
      tfl.layers.maxPooling3d({ poolSize: [2, 1, 1] }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2 }),
    ],
  });
  const x = tf.randomNormal([2, 2, 4, 3], 0, 1, "float32", 5);
  try {
    await saveWithTfjs(theirs, dir);
    const ours = await loadModel(dir);
    assert.deepEqual(
      ours.layers.slice(0, 4).map((l) => [l.constructor.name, l.getConfig().dataFormat]),
      [
        ["ZeroPadding2D", "channels_first"],
        ["UpSampling2D", "channels_first"],
        ["Cropping2D", "channels_first"],
        ["MaxPooling2D", "channels_first"],
      ],
    );
    assertClose(predict(ours, x), predict(theirs, x), "kerno on TensorFlow.js's file");
    ours.dispose();
  } finally {
    x.dispose();
    theirs.dispose();
    await cleanup();
  }
});
