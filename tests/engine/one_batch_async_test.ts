/**
 * `trainOnBatchAsync` / `testOnBatchAsync`: on the CPU backends the same
 * numbers as `trainOnBatch` / `testOnBatch`; with the deferred reads forced
 * (the path of a backend that reads asynchronously only, webgpu) the same
 * numbers read with `await data()`, while the synchronous calls refuse
 * before training, naming the asynchronous ones.
 */
import assert from "node:assert/strict";
import { layers, metrics, Sequential, setSeed, tf } from "../../mod.ts";
import { forceDeferredReads } from "../../engine/_reads.ts";
import type { Logs } from "../../callbacks/callback.ts";

function build(): Sequential {
  setSeed(21);
  const model = new Sequential([
    new layers.Dense(4, { activation: "relu", inputShape: [3] }),
    new layers.Dense(2, { activation: "softmax" }),
  ]);
  model.compile({
    optimizer: "adam",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy", new metrics.MeanIoU({ numClasses: 2, sparseYPred: false })],
  });
  return model;
}

const X = [[0.1, -0.4, 0.9], [0.5, 0.2, -0.3], [-0.7, 0.8, 0.05], [0.3, 0.3, 0.3]];
const Y = [0, 1, 1, 0];
const W = [1, 0.5, 2, 1];

async function calls(mode: "sync" | "async" | "deferred"): Promise<Logs[]> {
  forceDeferredReads(mode === "deferred" ? true : null);
  try {
    const x = tf.tensor2d(X);
    const y = tf.tensor1d(Y);
    const w = tf.tensor1d(W);
    const before = tf.memory().numTensors;
    const model = build();
    const out: Logs[] = [];
    for (let i = 0; i < 3; i++) {
      out.push(
        mode === "sync" ? model.trainOnBatch(x, y, w) : await model.trainOnBatchAsync(x, y, w),
      );
    }
    out.push(mode === "sync" ? model.testOnBatch(x, y) : await model.testOnBatchAsync(x, y));
    if (mode === "deferred") {
      const values = () => model.trainableWeights.map((v) => Array.from(v.dataSync()));
      const weights = values();
      assert.throws(
        () => model.trainOnBatch(x, y),
        /Cannot trainOnBatch sequential.* as it returns numbers at once.*"await model\.trainOnBatchAsync\(x, y\)"/,
      );
      assert.throws(() => model.testOnBatch(x, y), /"await model\.testOnBatchAsync\(x, y\)"/);
      // refused before training: the weights are as they were
      assert.deepEqual(values(), weights);
    }
    model.dispose();
    assert.equal(tf.memory().numTensors, before, `tensors left behind (${mode})`);
    tf.dispose([x, y, w]);
    return out;
  } finally {
    forceDeferredReads(null);
  }
}

Deno.test("trainOnBatchAsync and testOnBatchAsync give trainOnBatch's and testOnBatch's logs", async () => {
  const sync = await calls("sync");
  assert.deepEqual(Object.keys(sync[0]).sort(), ["accuracy", "loss", "mean_io_u"]);
  assert.deepEqual(await calls("async"), sync); // the same calls on a synchronous backend
  const deferred = await calls("deferred");
  deferred.forEach((logs, i) => {
    assert.deepEqual(Object.keys(logs).sort(), Object.keys(sync[i]).sort());
    for (const [k, v] of Object.entries(sync[i])) {
      assert.ok(
        Math.abs((logs[k] as number) - (v as number)) <= 1e-6,
        `${i} ${k}: ${logs[k]} vs ${v}`,
      );
    }
  });
});
