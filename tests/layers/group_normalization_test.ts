import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { GroupNormalization, LayerNormalization } from "../../layers/mod.ts";
import { checkLayer, distinctInput } from "./_layer_check.ts";

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Group normalization of a channels-last [batch, steps, channels] array, by hand. */
function byHand(x: number[][][], groups: number, epsilon: number, gamma: number[], beta: number[]) {
  const channels = x[0][0].length;
  const size = channels / groups;
  return x.map((sample) => {
    const out = sample.map((row) => [...row]);
    for (let g = 0; g < groups; g++) {
      const vals: number[] = [];
      for (const row of sample) for (let c = g * size; c < (g + 1) * size; c++) vals.push(row[c]);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const variance = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
      sample.forEach((row, t) => {
        for (let c = g * size; c < (g + 1) * size; c++) {
          out[t][c] = gamma[c] * (row[c] - mean) / Math.sqrt(variance + epsilon) + beta[c];
        }
      });
    }
    return out;
  });
}

Deno.test("GroupNormalization passes the shared layer check", () => {
  checkLayer({
    make: () => new GroupNormalization({ groups: 2 }),
    cls: GroupNormalization,
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    weights: 2,
    params: 8,
  });
  checkLayer({
    make: () =>
      new GroupNormalization({ groups: 3, axis: 1, center: false, gammaRegularizer: "l2" }),
    cls: GroupNormalization,
    inputShape: [2, 6, 2, 2],
    outputShape: [2, 6, 2, 2],
    weights: 1,
    params: 6,
  });
});

Deno.test("GroupNormalization matches a hand computation, with learned gamma and beta", () => {
  const before = tf.memory().numTensors;
  const values = [[[1, 2, 10, 0], [3, 5, -4, 2]], [[0.5, 0.5, 7, 7.5], [1, -1, 3, 2]]];
  const x = tf.tensor3d(values);
  const layer = new GroupNormalization({ groups: 2, epsilon: 1e-3 });
  layer.apply(x).dispose();
  const gamma = [1.5, -1, 0.5, 2];
  const beta = [0.1, 0.2, -0.3, 0];
  const g = tf.tensor1d(gamma), b = tf.tensor1d(beta);
  layer.setWeights([g, b]);
  const y = layer.apply(x);
  close(y.dataSync(), byHand(values, 2, 1e-3, gamma, beta).flat(2));
  tf.dispose([x, y, g, b]);
  layer.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("GroupNormalization with one group is LayerNormalization over all axes; with -1, per channel", () => {
  const x = distinctInput([2, 3, 4]);
  const one = new GroupNormalization({ groups: 1 }).apply(x);
  const ln = new LayerNormalization({ axis: [1, 2] }).apply(x);
  close(one.dataSync(), ln.dataSync());
  const each = new GroupNormalization({ groups: -1 }).apply(x);
  const values = x.arraySync() as number[][][];
  close(each.dataSync(), byHand(values, 4, 1e-3, [1, 1, 1, 1], [0, 0, 0, 0]).flat(2));
  tf.dispose([x, one, ln, each]);
});

Deno.test("GroupNormalization on a channels-first axis equals the channels-last result transposed", () => {
  const x = distinctInput([2, 3, 6]);
  const last = new GroupNormalization({ groups: 3 }).apply(x);
  const xt = tf.transpose(x, [0, 2, 1]);
  const first = new GroupNormalization({ groups: 3, axis: 1 }).apply(xt);
  const back = tf.transpose(first, [0, 2, 1]);
  close(back.dataSync(), last.dataSync());
  tf.dispose([x, last, xt, first, back]);
});

Deno.test("GroupNormalization has Keras's defaults and rejects bad arguments", () => {
  const config = new GroupNormalization().getConfig();
  assert.equal(config.groups, 32);
  assert.equal(config.axis, -1);
  assert.equal(config.epsilon, 1e-3);
  assert.equal(config.center, true);
  assert.equal(config.scale, true);
  assert.throws(
    () => new GroupNormalization({ groups: 0 }),
    /Cannot build GroupNormalization as "groups" must be a positive integer: received 0/,
  );
  assert.throws(() => new GroupNormalization({ epsilon: 0 }), RangeError);
  assert.throws(() => new GroupNormalization({ axis: 0 }), RangeError);
  assert.throws(() => new GroupNormalization({ center: 1 as unknown as boolean }), TypeError);
  assert.throws(
    () => new GroupNormalization({ group: 2 } as unknown as object),
    /did you mean "groups"/,
  );
  const x = tf.ones([2, 3, 4]);
  assert.throws(
    () => new GroupNormalization().apply(x),
    /cannot be more than the number of channels \(4\)/,
  );
  assert.throws(
    () => new GroupNormalization({ groups: 3 }).apply(x),
    /must be a multiple of "groups" \(3\)/,
  );
  x.dispose();
});
