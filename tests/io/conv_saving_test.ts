/**
 * The transposed, grouped and 3-D convolutions in saved models: every one
 * round-trips in `.keras` and in the TensorFlow.js format with the same
 * predictions; models with Conv2DTranspose (both data formats), Conv3D and
 * Conv3DTranspose saved in the TensorFlow.js format load in TensorFlow.js
 * Layers and predict the same; what TensorFlow.js lacks (Conv1DTranspose,
 * groups, outputPadding, a transposed dilation) is refused by name, pointing
 * at `.keras`.
 */
import assert from "node:assert/strict";
import { Input, layers, loadModel, Model, Sequential, setSeed, tf } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";
import { loadWithTfjs } from "./_tfjs.ts";

function predict(model: { predict(x: tf.Tensor): unknown }, x: tf.Tensor): Float32Array {
  const y = model.predict(x) as tf.Tensor;
  const out = Float32Array.from(y.dataSync());
  y.dispose();
  return out;
}

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])), `${what}[${i}]`);
  }
}

/** [label, model, input shape, whether TensorFlow.js Layers has every layer] */
const MODELS: [string, () => Model, number[], boolean][] = [
  [
    "Conv2DTranspose, Conv2D",
    () =>
      new Sequential([
        new layers.Conv2DTranspose(3, 3, {
          strides: 2,
          padding: "same",
          activation: "relu",
          inputShape: [4, 5, 2],
        }),
        new layers.Conv2D(2, 3, { strides: 2, padding: "same" }),
        new layers.Conv2DTranspose(1, [2, 3], { padding: "valid", activation: "sigmoid" }),
      ]),
    [2, 4, 5, 2],
    true,
  ],
  [
    "Conv2D and Conv2DTranspose channels_first",
    () =>
      new Sequential([
        new layers.Conv2D(4, 3, { dataFormat: "channels_first", inputShape: [3, 6, 5] }),
        new layers.Conv2DTranspose(2, 3, { strides: 2, dataFormat: "channels_first" }),
      ]),
    [2, 3, 6, 5],
    true,
  ],
  [
    "Conv3D, Conv3DTranspose",
    () =>
      new Sequential([
        new layers.Conv3D(3, 2, { activation: "relu", inputShape: [4, 5, 3, 2] }),
        new layers.Conv3DTranspose(2, 3, { strides: 2, padding: "same" }),
      ]),
    [2, 4, 5, 3, 2],
    true,
  ],
  [
    "grouped Conv2D, Conv2DTranspose with outputPadding",
    () => {
      const inputs = Input({ shape: [6, 6, 4] });
      const h = new layers.Conv2D(4, 3, { groups: 2, padding: "same", activation: "relu" })
        .apply(inputs);
      const outputs = new layers.Conv2DTranspose(2, 3, { strides: 2, outputPadding: 1 }).apply(h);
      return new Model({ inputs, outputs });
    },
    [2, 6, 6, 4],
    false,
  ],
  [
    "grouped Conv1D, Conv1DTranspose",
    () =>
      new Sequential([
        new layers.Conv1D(6, 3, { groups: 3, padding: "causal", inputShape: [7, 3] }),
        new layers.Conv1DTranspose(2, 3, { strides: 2, padding: "same", dilationRate: 1 }),
      ]),
    [2, 7, 3],
    false,
  ],
  [
    "grouped Conv3D, Conv3DTranspose with dilation",
    () =>
      new Sequential([
        new layers.Conv3D(4, 2, { groups: 2, inputShape: [3, 4, 3, 2] }),
        new layers.Conv3DTranspose(2, 2, { dilationRate: 2, padding: "same" }),
      ]),
    [1, 3, 4, 3, 2],
    false,
  ],
];

for (const [label, make, shape, inTfjs] of MODELS) {
  Deno.test(`a model with ${label} round-trips in .keras${inTfjs ? " and TF.js (loaded by TensorFlow.js Layers)" : "; the TF.js format refuses it"}`, async () => {
    setSeed(8);
    const { dir, cleanup } = await tempDir();
    const model = make();
    const x = tf.randomNormal(shape, 0, 1, "float32", 3);
    const want = predict(model, x);
    try {
      await model.save(`${dir}/m.keras`);
      const again = await loadModel(`${dir}/m.keras`);
      assertClose(predict(again, x), want, `${label} .keras`);
      // (names and the initializers' spelling, "GlorotUniform" for "glorot_uniform", aside)
      const configs = (m: Model) =>
        m.layers.map((l) => ({
          ...l.getConfig(),
          name: undefined,
          kernelInitializer: undefined,
          biasInitializer: undefined,
        }));
      assert.deepEqual(configs(again), configs(model));
      again.dispose();
      if (inTfjs) {
        await model.save(`${dir}/tfjs`);
        const ours = await loadModel(`${dir}/tfjs`);
        assertClose(predict(ours, x), want, `${label} TF.js format, kerno`);
        ours.dispose();
        const theirs = await loadWithTfjs(`${dir}/tfjs`);
        assertClose(predict(theirs, x), want, `${label} TF.js format, TensorFlow.js Layers`);
        theirs.dispose();
      } else {
        await assert.rejects(
          () => model.save(`${dir}/tfjs`),
          /Cannot save .* in the TensorFlow.js Layers format as its layer \w+ \((Conv1DTranspose|Conv1D|Conv2D|Conv3D)\) (has no TensorFlow.js Layers equivalent|could not be loaded there \(TensorFlow.js 4.22's convolutions have no groups).*\.keras/,
        );
      }
    } finally {
      x.dispose();
      model.dispose();
      await cleanup();
    }
  });
}

Deno.test("the TF.js format refuses a transposed convolution with outputPadding or dilation, naming it", async () => {
  const { dir, cleanup } = await tempDir();
  for (const options of [{ outputPadding: 1, strides: 2 }, { dilationRate: 2 }]) {
    const model = new Sequential([
      new layers.Conv2DTranspose(2, 3, { ...options, inputShape: [4, 4, 1] }),
    ]);
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      /its layer \w+ \(Conv2DTranspose\) could not be loaded there \(TensorFlow.js 4.22's transposed convolutions ignore outputPadding and dilationRate.*\.keras/,
    );
    model.dispose();
  }
  await cleanup();
});
