import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Input, Model, Sequential } from "../../mod.ts";
import { UpSampling1D, UpSampling2D, UpSampling3D } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";
import { RESAMPLE_REFERENCE } from "./_resample_reference.ts";
import { checkReferenceCase, onBackend } from "./_resample_check.ts";

const UP_CASES = RESAMPLE_REFERENCE.filter((c) => c.layer.startsWith("UpSampling"));

for (const backend of ["cpu", "kerno"]) {
  Deno.test(`UpSampling1D/2D/3D equal PyTorch's interpolate, values and input gradients, on ${backend}`, async () => {
    assert.ok(UP_CASES.length >= 8);
    await onBackend(backend, () => UP_CASES.forEach(checkReferenceCase));
  });
}

Deno.test("UpSampling layers pass the shared layer check", () => {
  checkLayer({
    make: () => new UpSampling1D(3),
    cls: UpSampling1D,
    inputShape: [2, 4, 3],
    outputShape: [2, 12, 3],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new UpSampling2D([2, 3]),
    cls: UpSampling2D,
    inputShape: [2, 3, 2, 2],
    outputShape: [2, 6, 6, 2],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new UpSampling2D(2, { interpolation: "bilinear", dataFormat: "channels_first" }),
    cls: UpSampling2D,
    inputShape: [1, 2, 3, 5],
    outputShape: [1, 2, 6, 10],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new UpSampling3D({ size: [1, 2, 2], dataFormat: "channels_first" }),
    cls: UpSampling3D,
    inputShape: [1, 2, 2, 3, 2],
    outputShape: [1, 2, 2, 6, 4],
    weights: 0,
    params: 0,
  });
});

Deno.test("UpSampling1D repeats steps and UpSampling2D repeats pixels, as Keras's docstring example", () => {
  const before = tf.memory().numTensors;
  const seq = tf.tensor3d([[[1, 2], [3, 4]]]);
  const up1 = new UpSampling1D(2).apply(seq);
  assert.deepEqual(up1.arraySync(), [[[1, 2], [1, 2], [3, 4], [3, 4]]]);
  // Keras's UpSampling2D docstring: arange(12) as (2, 2, 1, 3), size (1, 2).
  const x = tf.tidy(() => tf.reshape(tf.range(0, 12), [2, 2, 1, 3]));
  const up2 = new UpSampling2D([1, 2]).apply(x);
  assert.deepEqual(up2.arraySync(), [
    [[[0, 1, 2], [0, 1, 2]], [[3, 4, 5], [3, 4, 5]]],
    [[[6, 7, 8], [6, 7, 8]], [[9, 10, 11], [9, 10, 11]]],
  ]);
  tf.dispose([seq, up1, x, up2]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("UpSampling2D bilinear uses half-pixel centres (hand-derived row [1, 3] up by 2)", () => {
  // Output pixel j samples input position (j + 0.5) / 2 − 0.5, clamped to [0, 1]:
  // −0.25 → 1, 0.25 → 1.5, 0.75 → 2.5, 1.25 → 3.
  const x = tf.tensor4d([1, 3], [1, 1, 2, 1]);
  const y = new UpSampling2D([1, 2], { interpolation: "bilinear" }).apply(x);
  assert.deepEqual(Array.from(y.dataSync()), [1, 1.5, 2.5, 3]);
  tf.dispose([x, y]);
});

Deno.test("UpSampling layers: defaults, getConfig as Keras, shapes with unknown axes", () => {
  assert.deepEqual(new UpSampling1D().getConfig().size, 2);
  const up2 = new UpSampling2D();
  const { name: _, ...config } = up2.getConfig();
  assert.deepEqual(config, {
    trainable: true,
    size: [2, 2],
    dataFormat: "channels_last",
    interpolation: "nearest",
  });
  assert.deepEqual(new UpSampling3D().size, [2, 2, 2]);
  assert.deepEqual(
    new UpSampling2D({ size: 3, dataFormat: "channels_first" }).computeOutputShape([
      null,
      4,
      null,
      5,
    ]),
    [null, 4, null, 15],
  );
  const inputs = Input({ shape: [null, 7, 2] });
  const outputs = new UpSampling2D([2, 3]).apply(inputs);
  assert.deepEqual(outputs.shape, [null, null, 21, 2]);
  const model = new Model({ inputs, outputs });
  const x = tf.ones([1, 3, 7, 2]);
  const y = model.predict(x);
  assert.deepEqual(y.shape, [1, 6, 21, 2]);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("UpSampling layers refuse bad options and inputs, naming the layer, argument and shape", () => {
  assert.throws(
    () => new UpSampling1D(0),
    /Cannot build UpSampling1D as "size" must be a positive integer: received 0/,
  );
  assert.throws(
    () => new UpSampling1D([2] as unknown as number),
    /"size" must be a positive integer/,
  );
  assert.throws(
    () => new UpSampling2D([2, 2, 2]),
    /"size" must be a positive integer or a list of 2/,
  );
  assert.throws(
    () => new UpSampling2D(2, { interpolation: "area" as "bilinear" }),
    /"interpolation" must be one of "nearest", "bilinear", "bicubic", "lanczos3", "lanczos5": received "area"/,
  );
  assert.throws(
    () => new UpSampling3D({ dataFormat: "NCDHW" as "channels_first" }),
    /"dataFormat"/,
  );
  assert.throws(() => new UpSampling2D(2, { size: 3 }), /"size" is given twice/);
  const x = tf.zeros([1, 4, 4]);
  assert.throws(
    () => new UpSampling2D().apply(x),
    /up_sampling2d\S* \(UpSampling2D\) as its input must have rank 4 \(batch, rows, cols, channels\): received \(None, 4, 4\)/,
  );
  x.dispose();
});

Deno.test("UpSampling2D nearest and bilinear evaluate in a Sequential model without leaks", async () => {
  const model = new Sequential([
    new UpSampling2D(2, { inputShape: [3, 3, 1] }),
    new UpSampling2D([1, 2], { interpolation: "bilinear" }),
  ]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = tf.ones([2, 3, 3, 1]);
  const y = tf.ones([2, 6, 12, 1]);
  const before = tf.memory().numTensors;
  await model.evaluate(x, y);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
  model.dispose();
});
