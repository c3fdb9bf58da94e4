import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { LayerNormalization } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("LayerNormalization passes the shared layer check", () => {
  checkLayer({
    make: () => new LayerNormalization(),
    cls: LayerNormalization,
    inputShape: [3, 5],
    outputShape: [3, 5],
    weights: 2,
    params: 10,
  });
  // normalised over axes 1 and 2: gamma and beta of shape [3, 4]
  checkLayer({
    make: () => new LayerNormalization({ axis: [1, 2] }),
    cls: LayerNormalization,
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    weights: 2,
    params: 24,
  });
  checkLayer({
    make: () => new LayerNormalization({ scale: false, epsilon: 1e-2 }),
    cls: LayerNormalization,
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    weights: 1,
    params: 4,
  });
});

Deno.test("LayerNormalization gives each sample mean 0 and variance 1", () => {
  const before = tf.memory().numTensors;
  // row 0: mean 2.5, variance 1.25; row 1: mean 20, variance 125
  const x = tf.tensor2d([[1, 2, 3, 4], [5, 15, 25, 35]]);
  const ln = new LayerNormalization();
  const y = ln.apply(x);
  const rows = y.arraySync() as number[][];
  const expected = [
    [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25 + 1e-3)),
    [5, 15, 25, 35].map((v) => (v - 20) / Math.sqrt(125 + 1e-3)),
  ];
  rows.forEach((row, r) => {
    row.forEach((v, i) => assert.ok(Math.abs(v - expected[r][i]) < 1e-5));
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    assert.ok(Math.abs(mean) < 1e-6);
    assert.ok(Math.abs(variance - 1) < 1e-3);
  });
  // the same in training
  const yt = ln.apply(x, { training: true });
  assert.deepEqual(yt.arraySync(), rows);
  tf.dispose([x, y, yt]);
  ln.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("LayerNormalization rejects bad options", () => {
  assert.throws(() => new LayerNormalization({ epsilon: -1 }), RangeError);
  assert.throws(() => new LayerNormalization({ axis: [] }), RangeError);
  assert.throws(() => new LayerNormalization({ axis: "last" as unknown as number }), TypeError);
  assert.throws(() => new LayerNormalization({ scale: null as unknown as boolean }), TypeError);
  const x = tf.zeros([2, 3]);
  assert.throws(() => new LayerNormalization({ axis: 3 }).apply(x), RangeError);
  x.dispose();
});
