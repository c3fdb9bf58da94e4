import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Dense } from "../../layers/mod.ts";
import { gradients } from "../../engine/gradients.ts";
import { checkLayer } from "./_layer_check.ts";

// relu's kink defeats finite differences; its values and gradient are checked by hand below.
Deno.test("Dense passes the shared layer check (linear, sigmoid, tanh, no bias, rank 3)", () => {
  for (const activation of ["linear", "sigmoid", "tanh"]) {
    checkLayer({
      make: () => new Dense(4, { activation }),
      cls: Dense,
      inputShape: [3, 5],
      outputShape: [3, 4],
      weights: 2,
      params: 5 * 4 + 4,
    });
  }
  checkLayer({
    make: () => new Dense(2, { useBias: false }),
    cls: Dense,
    inputShape: [3, 5],
    outputShape: [3, 2],
    weights: 1,
    params: 10,
  });
  checkLayer({
    make: () => new Dense(3),
    cls: Dense,
    inputShape: [2, 4, 5],
    outputShape: [2, 4, 3],
    weights: 2,
    params: 18,
  });
});

Deno.test("Dense computes activation(x · kernel + bias), values derived by hand", () => {
  const before = tf.memory().numTensors;
  const kernel = tf.tensor2d([[1, -2], [3, 0.5]]);
  const bias = tf.tensor1d([0.5, -1]);
  const x = tf.tensor2d([[1, 1], [-1, 2]]);
  // x · kernel = [[4, -1.5], [5, 3]]; + bias = [[4.5, -2.5], [5.5, 2]]
  const cases: [string, number[]][] = [
    ["linear", [4.5, -2.5, 5.5, 2]],
    ["relu", [4.5, 0, 5.5, 2]],
    ["tanh", [Math.tanh(4.5), Math.tanh(-2.5), Math.tanh(5.5), Math.tanh(2)]],
  ];
  for (const [activation, want] of cases) {
    const layer = new Dense(2, { activation });
    layer.apply(x).dispose(); // builds it
    layer.setWeights([kernel, bias]);
    const y = layer.apply(x);
    const got = Array.from(y.dataSync());
    want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-6, `${activation}[${i}]`));
    y.dispose();
    layer.dispose();
  }
  tf.dispose([kernel, bias, x]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Dense's relu gradient is dy·step(z) through kernel and bias", () => {
  const before = tf.memory().numTensors;
  const layer = new Dense(2, { activation: "relu" });
  const kernel = tf.tensor2d([[1, -2], [3, 0.5]]);
  const bias = tf.tensor1d([0.5, -1]);
  const x = tf.tensor2d([[1, 1], [-1, 2]]);
  layer.apply(x).dispose(); // builds it
  layer.setWeights([kernel, bias]);
  // z = [[4.5, -2.5], [5.5, 2]]: unit 1 of sample 0 is off.
  const { value, grads } = gradients(() => tf.sum(layer.apply(x)), layer.trainableWeights);
  const [gk, gb] = grads as tf.Tensor[];
  // dkernel[i][j] = Σ_rows x[r][i]·on[r][j]; on = [[1, 0], [1, 1]]
  assert.deepEqual(Array.from(gk.dataSync()), [0, -1, 3, 2]);
  assert.deepEqual(Array.from(gb.dataSync()), [2, 1]);
  tf.dispose([kernel, bias, x, value, gk, gb]);
  layer.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Dense rejects a non-positive or fractional units and an unknown input axis", () => {
  assert.throws(() => new Dense(0), /"units" must be a positive integer: received 0/);
  assert.throws(() => new Dense(2.5), /received 2.5/);
  const layer = new Dense(2);
  assert.throws(() => layer.build([null, null]), /Dense/);
});
