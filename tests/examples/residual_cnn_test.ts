import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";
import {
  main as residualCnn,
  residualCnn as buildResidualCnn,
} from "../../examples/residual_cnn.ts";

// One epoch of its five convolutions takes about 100 s on TensorFlow.js's cpu kernels.
const RESIDUAL_TOO_SLOW = skipBecause(
  "examples/residual_cnn's training test",
  getBackend() === "kerno" && blasStatus().available
    ? null
    : `8 epochs take about 14 minutes without kerno's BLAS kernels (backend "${getBackend()}")`,
);

Deno.test({
  name:
    "examples/residual_cnn (functional, skip connections) reaches >= 0.96 test accuracy in 8 epochs",
  ignore: RESIDUAL_TOO_SLOW,
}, async () => {
  const before = tf.memory().numTensors;
  const lines: string[] = [];
  const { accuracy, params } = await residualCnn({
    epochs: 8,
    verbose: 0,
    print: (l) => lines.push(l),
  });
  assert.ok(accuracy >= 0.96, `test accuracy ${accuracy}`); // 0.9806 measured
  assert.equal(params, 19994);
  assert.match(lines[2], /Connected to$/);
  const add = lines.findIndex((l) => l.startsWith("block2_add (Add)"));
  assert.match(lines[add], /block2_proj_bn\[0\]\[0\],$/);
  assert.match(lines[add + 1], /^\s+block2_b_bn\[0\]\[0\]$/);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/residual_cnn builds a functional graph with two skip connections", () => {
  const model = buildResidualCnn();
  assert.deepEqual(model.inputNames, ["digits"]);
  assert.deepEqual(model.outputs[0].shape, [null, 10]);
  const adds = model.layers.filter((l) => l.constructor.name === "Add");
  assert.deepEqual(adds.map((l) => l.name), ["block1_add", "block2_add"]);
  // block1's skip is the identity: its add reads the stem's output directly.
  const inputs = adds[0].inboundNodes[0].inputs as { name: string }[];
  assert.deepEqual(inputs.map((t) => t.name), ["stem_relu", "block1_b_bn"]);
  const y = model.apply(tf.zeros([2, 8, 8, 1]));
  assert.deepEqual(y.shape, [2, 10]);
  y.dispose();
  model.dispose();
});
