/**
 * Masks kept on the device (the path for a backend that reads
 * asynchronously only, webgpu), forced here on the CPU: the same losses as
 * host masks, `maskOf` gives the same values, and a device mask is freed
 * with the tensor it belongs to.
 */
import assert from "node:assert/strict";
import { layers, maskOf, Sequential, setSeed, tf } from "../../mod.ts";
import { forceDeferredReads } from "../../engine/_reads.ts";
import { storedMask } from "../../engine/masks.ts";

const T = 5;
const ids = [[3, 1, 0, 0, 0], [2, 4, 5, 0, 0], [1, 1, 1, 1, 1], [7, 0, 0, 0, 0]];

async function lossesOf(deferred: boolean, masking: boolean): Promise<number[]> {
  forceDeferredReads(deferred);
  try {
    const before = tf.memory().numTensors;
    setSeed(5);
    const model = new Sequential(
      masking
        ? [new layers.Masking({ inputShape: [T, 1] }), new layers.GRU(3), new layers.Dense(1)]
        : [
          new layers.Embedding(8, 3, { maskZero: true, inputShape: [T] }),
          new layers.LSTM(3),
          new layers.Dense(1),
        ],
    );
    model.compile({ optimizer: "adam", loss: "mse" });
    const x = masking
      ? tf.tensor3d(ids.map((r) => r.map((v) => [v / 7])), [4, T, 1])
      : tf.tensor2d(ids);
    const y = tf.tensor2d([[1], [0], [1], [0]]);
    const h = await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
    const evaluation = await model.evaluate(x, y, { batchSize: 2 });
    model.dispose();
    tf.dispose([x, y]);
    assert.equal(tf.memory().numTensors, before, "tensors left behind");
    return [...h.history.loss, evaluation.loss as number];
  } finally {
    forceDeferredReads(null);
  }
}

Deno.test("device masks train Embedding(maskZero) + LSTM and Masking + GRU as host masks do", async () => {
  for (const masking of [false, true]) {
    const host = await lossesOf(false, masking);
    const device = await lossesOf(true, masking);
    device.forEach((v, i) => assert.ok(Math.abs(v - host[i]) <= 1e-6, `${i}: ${v} vs ${host[i]}`));
  }
});

Deno.test("a device mask is read by maskOf, passed through, and freed with its tensor", () => {
  forceDeferredReads(true);
  try {
    const embedding = new layers.Embedding(8, 2, { maskZero: true });
    const dropout = new layers.Dropout(0.5);
    const x = tf.tensor2d([[1, 0, 2]]);
    const before = tf.memory().numTensors;
    const y = embedding.apply(x) as tf.Tensor;
    assert.ok(storedMask(y)?.tensor instanceof tf.Tensor, "kept on the device");
    const z = dropout.apply(y) as tf.Tensor; // passes the mask through (its own copy)
    const m = maskOf(z)!;
    assert.deepEqual(Array.from(m.dataSync()), [1, 0, 1]);
    assert.deepEqual(m.shape, [1, 3]);
    tf.dispose([m, y]);
    const again = maskOf(z)!;
    assert.deepEqual(Array.from(again.dataSync()), [1, 0, 1], "z's mask outlives y");
    tf.dispose([again, z]);
    embedding.dispose(); // and the weights built at the first call
    dropout.dispose();
    assert.equal(tf.memory().numTensors, before, "the masks went with their tensors");
    x.dispose();
  } finally {
    forceDeferredReads(null);
  }
  // on the CPU backends masks stay host values
  const e = new layers.Embedding(8, 2, { maskZero: true });
  const x = tf.tensor2d([[1, 0]]);
  const y = e.apply(x) as tf.Tensor;
  assert.deepEqual(Array.from(storedMask(y)!.values!), [1, 0]);
  tf.dispose([x, y]);
  e.dispose();
});
