/**
 * The keras.io examples ported to kerno (examples/keras_io/), run as a
 * Keras user wrote them, on generated or bundled data.
 */
import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";
import { main as mnistConvnet } from "../../examples/keras_io/mnist_convnet.ts";
import { main as subclassingConv } from "../../examples/keras_io/subclassing_conv_layers.ts";
import { main as antirectifier } from "../../examples/keras_io/antirectifier.ts";
import { main as imbalanced } from "../../examples/keras_io/imbalanced_classification.ts";

// Ten epochs of two convolutions take about 9 minutes on TensorFlow.js's cpu kernels.
const CONVNET_TOO_SLOW = skipBecause(
  "keras_io/mnist_convnet's test",
  getBackend() === "kerno" && blasStatus().available
    ? null
    : `it takes about 9 minutes without kerno's BLAS kernels (backend "${getBackend()}")`,
);

Deno.test({
  name: "keras_io/mnist_convnet (on the 8×8 digits) reaches >= 0.9 test accuracy",
  ignore: CONVNET_TOO_SLOW,
}, async () => {
  const before = tf.memory().numTensors;
  const { accuracy } = await mnistConvnet({ epochs: 10, verbose: 0 });
  assert.ok(accuracy >= 0.9, `test accuracy ${accuracy}`);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("keras_io/subclassing_conv_layers: fit's val_loss is evaluate's loss (the override runs in training too)", async () => {
  const before = tf.memory().numTensors;
  const { valLoss, evaluateLoss, valAccuracy } = await subclassingConv({ epochs: 3, verbose: 0 });
  assert.ok(
    Math.abs(valLoss - evaluateLoss) < 1e-5,
    `val_loss ${valLoss} vs evaluate ${evaluateLoss}`,
  );
  assert.ok(valAccuracy > 0.6, `val accuracy ${valAccuracy}`);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("keras_io/antirectifier trains, saves and loads with the same accuracy", async () => {
  const before = tf.memory().numTensors;
  const { accuracy, reloadedAccuracy } = await antirectifier({ epochs: 4, verbose: 0 });
  assert.ok(accuracy >= 0.85, `test accuracy ${accuracy}`);
  assert.equal(reloadedAccuracy, accuracy);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("keras_io/imbalanced_classification: class weights catch the rare class; counts add up", async () => {
  const before = tf.memory().numTensors;
  const r = await imbalanced({ epochs: 6, rows: 6000, verbose: 0 });
  assert.equal(r.tp + r.fn, r.frauds);
  assert.equal(r.tp + r.fn + r.fp + r.tn, 1200);
  assert.ok(r.recall >= 0.7, `recall ${r.recall}`);
  assert.deepEqual(
    r.checkpoints,
    [1, 2, 3, 4, 5, 6].map((e) => `fraud_model_at_epoch_${e}.keras`).sort(),
  );
  assert.equal(tf.memory().numTensors, before);
});
