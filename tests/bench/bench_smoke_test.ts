import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  buildWorkload,
  disposeWorkload,
  FUNCTIONAL_WORKLOADS,
  SIZES,
  timeFit,
  timePredict,
  type WorkloadApi,
  type WorkloadName,
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

/** Every workload as a Sequential model, then mlp and cnn as functional ones. */
const VARIANTS: [WorkloadName, WorkloadApi][] = [
  ...WORKLOADS.map((n): [WorkloadName, WorkloadApi] => [n, "sequential"]),
  ...FUNCTIONAL_WORKLOADS.map((n): [WorkloadName, WorkloadApi] => [n, "functional"]),
];

for (const [name, api] of VARIANTS) {
  const which = api === "functional" ? `functional ${name}` : name;
  Deno.test({
    name: `buildWorkload and timeFit run the ${which} workload on a tiny size without leaks`,
    ignore: name === "cnn" && CNN_TOO_SLOW,
    fn: async () => {
      const before = tf.memory().numTensors;
      const samples = 2 * SIZES[name].batchSize;
      const w = buildWorkload(name, samples, api);
      assert.equal(w.api, api);
      assert.equal(w.samples, samples);
      assert.equal(w.x.shape[0], samples);
      assert.equal(w.y.shape[0], samples);
      const timing = await timeFit(w, 2);
      assert.ok(Number.isFinite(timing.samplesPerSecond) && timing.samplesPerSecond > 0, name);
      assert.equal(timing.epochSeconds.length, 2);
      assert.equal(timing.numTensors[0], timing.numTensors[1], `${which}: tensors grow per epoch`);
      assert.ok(timePredict(w, 64, 1) > 0, which);
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

Deno.test("the functional mlp and cnn workloads are the Sequential ones' layers as a functional graph", () => {
  for (const name of FUNCTIONAL_WORKLOADS) {
    const seq = buildWorkload(name, 4);
    const fun = buildWorkload(name, 4, "functional");
    assert.equal(seq.model.graph, null, `${name}: the Sequential model has no functional graph`);
    assert.notEqual(fun.model.graph, null, `${name}: the functional model has a graph`);
    const kinds = (layers: { constructor: { name: string } }[]) =>
      layers.map((l) => l.constructor.name).filter((k) => k !== "InputLayer");
    assert.deepEqual(kinds(fun.model.layers), kinds(seq.model.layers));
    assert.equal(fun.model.countParams(), seq.model.countParams());
    assert.deepEqual(fun.model.outputs[0].shape, seq.model.outputShape);
    assert.deepEqual(fun.x.shape, seq.x.shape);
    assert.equal(fun.batchSize, seq.batchSize);
    disposeWorkload(seq);
    disposeWorkload(fun);
  }
  assert.throws(() => buildWorkload("embedding", 4, "functional"), /only mlp and cnn/);
});
