import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  buildWorkload,
  disposeWorkload,
  SIZES,
  timeFit,
  timePredict,
  WORKLOADS,
} from "../../bench/workloads.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";

/** Why the cnn workload cannot run here in reasonable time, or `null`. */
function cnnTooSlow(): string | null {
  const status = blasStatus();
  if (getBackend() === "kerno" && status.available) return null;
  const why = status.available ? `the backend is "${getBackend()}"` : status.reason;
  return `it takes about 7 minutes on TensorFlow.js's cpu kernels (${why})`;
}

const CNN_TOO_SLOW = skipBecause("the cnn workload's smoke test", cnnTooSlow());

for (const name of WORKLOADS) {
  Deno.test({
    name: `buildWorkload and timeFit run the ${name} workload on a tiny size without leaks`,
    ignore: name === "cnn" && CNN_TOO_SLOW,
    fn: async () => {
      const before = tf.memory().numTensors;
      const samples = 2 * SIZES[name].batchSize;
      const w = buildWorkload(name, samples);
      assert.equal(w.samples, samples);
      assert.equal(w.x.shape[0], samples);
      assert.equal(w.y.shape[0], samples);
      const timing = await timeFit(w, 2);
      assert.ok(Number.isFinite(timing.samplesPerSecond) && timing.samplesPerSecond > 0, name);
      assert.equal(timing.epochSeconds.length, 2);
      assert.equal(timing.numTensors[0], timing.numTensors[1], `${name}: tensors grow per epoch`);
      assert.ok(timePredict(w, 64, 1) > 0, name);
      disposeWorkload(w);
      assert.equal(tf.memory().numTensors, before);
    },
  });
}

Deno.test("buildWorkload keeps the anchors' shapes", () => {
  const shapes = { mlp: [784], cnn: [28, 28, 1], embedding: [42] };
  for (const name of WORKLOADS) {
    const w = buildWorkload(name, 4);
    assert.deepEqual(w.x.shape.slice(1), shapes[name]);
    assert.equal(w.batchSize, name === "embedding" ? 32 : 64);
    disposeWorkload(w);
  }
});
