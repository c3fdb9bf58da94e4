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

Deno.test("buildWorkload and timeFit run every workload on a tiny size without leaks", async () => {
  const before = tf.memory().numTensors;
  for (const name of WORKLOADS) {
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
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("buildWorkload keeps the anchors' shapes", () => {
  const shapes = { mlp: [784], cnn: [28, 28, 1], embedding: [42] };
  for (const name of WORKLOADS) {
    const w = buildWorkload(name, 4);
    assert.deepEqual(w.x.shape.slice(1), shapes[name]);
    assert.equal(w.batchSize, name === "embedding" ? 32 : 64);
    disposeWorkload(w);
  }
});
