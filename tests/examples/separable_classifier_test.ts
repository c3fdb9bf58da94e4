import assert from "node:assert/strict";
import { type layers, tf } from "../../mod.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";
import {
  main as separableClassifier,
  separableClassifier as build,
} from "../../examples/separable_classifier.ts";

// Its products (the pointwise steps and the classifier) take minutes on JavaScript kernels.
const TOO_SLOW = skipBecause(
  "examples/separable_classifier's training test",
  getBackend() === "kerno" && blasStatus().available
    ? null
    : `20 epochs take 3-4 minutes without kerno's BLAS kernels (backend "${getBackend()}")`,
);

Deno.test({
  name: "examples/separable_classifier reaches >= 0.97 test accuracy on the digits in 20 epochs",
  ignore: TOO_SLOW,
}, async () => {
  const before = tf.memory().numTensors;
  const { accuracy, params } = await separableClassifier({ verbose: 0 });
  assert.ok(accuracy >= 0.97, `test accuracy ${accuracy}`); // 0.9806 measured
  assert.equal(params, 13498);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/separable_classifier is built of depthwise and separable convolutions", () => {
  const model = build();
  const kinds = model.layers.map((l) => l.constructor.name);
  assert.deepEqual(kinds.slice(1, 4), ["DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D"]);
  const stem = model.getLayer("stem") as layers.DepthwiseConv2D;
  assert.deepEqual(stem.kernel!.shape, [3, 3, 1, 16]);
  const sep = model.getLayer("sep2") as layers.SeparableConv2D;
  assert.deepEqual(sep.depthwiseKernel!.shape, [3, 3, 32, 1]);
  assert.deepEqual(sep.pointwiseKernel!.shape, [1, 1, 32, 64]);
  assert.equal(model.countParams(), 13498);
  const y = model.apply(tf.zeros([2, 8, 8, 1]));
  assert.deepEqual(y.shape, [2, 10]);
  y.dispose();
  model.dispose();
});
