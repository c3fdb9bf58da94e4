/**
 * The WebGPU subset: a small MLP and a small CNN trained on TensorFlow.js's
 * `webgpu` backend (on Deno's `navigator.gpu`; Mesa's llvmpipe adapter on
 * CI, slow) agree with the `cpu` backend within float32 tolerance. Skipped,
 * with one printed line saying why, when no WebGPU adapter can be had.
 */
import assert from "node:assert/strict";
import { getBackend, layers, metrics, Sequential, setBackend, setSeed, tf } from "../../mod.ts";
import { fusedUpdateRule, hasFusedReplacement } from "../../engine/fused.ts";
import { webgpuTests } from "./_helpers.ts";

const { adapter, skip } = await webgpuTests("the WebGPU tests");
if (!skip) console.log(`WebGPU tests on ${adapter!.description}`);

const N = 48;
const features = Array.from({ length: N * 8 }, (_, i) => Math.sin(i * 0.37));
const images = Array.from({ length: N * 64 }, (_, i) => Math.cos(i * 0.11));
const labels = Array.from({ length: N }, (_, i) => i % 3);

interface Run {
  loss: number[];
  accuracy: number[];
  evaluation: Record<string, number>;
  predictions: Float32Array;
  leaked: number;
}

/** Trains a fresh model (seeded, so both backends start from the same weights) on `backend`. */
async function train(
  backend: string,
  build: () => Sequential,
  x: () => tf.Tensor,
  epochs: number,
): Promise<Run> {
  await setBackend(backend);
  const xs = x();
  const ys = tf.tensor1d(labels);
  const before = tf.memory().numTensors;
  const model = build();
  const h = await model.fit(xs, ys, { epochs, batchSize: 16, verbose: 0 });
  const evaluation = await model.evaluate(xs, ys, { batchSize: 16 });
  const out = await model.predictAsync(xs, { batchSize: 16 });
  const predictions = Float32Array.from(await out.data());
  out.dispose();
  model.dispose(); // its weights and the optimizer's state
  const leaked = tf.memory().numTensors - before;
  tf.dispose([xs, ys]);
  return { loss: h.history.loss, accuracy: h.history.accuracy, evaluation, predictions, leaked };
}

function compile(model: Sequential): Sequential {
  model.compile({
    optimizer: "adam",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy", new metrics.SparseTopKCategoricalAccuracy({ k: 2 })],
  });
  return model;
}

const mlp = () => {
  setSeed(3);
  return compile(
    new Sequential([
      new layers.Dense(16, { activation: "relu", inputShape: [8] }),
      new layers.Dropout(0.1),
      new layers.Dense(3, { activation: "softmax" }),
    ]),
  );
};

const cnn = () => {
  setSeed(4);
  return compile(
    new Sequential([
      new layers.Conv2D(4, 3, { activation: "relu", inputShape: [8, 8, 1] }),
      new layers.MaxPooling2D(2),
      new layers.Flatten(),
      new layers.Dense(3, { activation: "softmax" }),
    ]),
  );
};

function assertAgree(gpu: Run, cpu: Run, tol: number): void {
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: webgpu ${a}, cpu ${b}`);
  gpu.loss.forEach((v, i) => close(v, cpu.loss[i], `loss of epoch ${i + 1}`));
  gpu.accuracy.forEach((v, i) => close(v, cpu.accuracy[i], `accuracy of epoch ${i + 1}`));
  for (const [k, v] of Object.entries(cpu.evaluation)) close(gpu.evaluation[k], v, k);
  gpu.predictions.forEach((v, i) => close(v, cpu.predictions[i], `prediction ${i}`));
  assert.equal(gpu.leaked, 0, "tensors left behind on webgpu");
}

const restore = getBackend();

Deno.test({
  name: "webgpu trains an MLP as cpu does (fit, evaluate, predictAsync)",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const cpu = await train("cpu", mlp, () => tf.tensor2d(features, [N, 8]), 3);
      const gpu = await train("webgpu", mlp, () => tf.tensor2d(features, [N, 8]), 3);
      assertAgree(gpu, cpu, 1e-4);
    } finally {
      await setBackend(restore);
    }
  },
});

Deno.test({
  name: "webgpu trains a CNN (Conv2D, MaxPooling2D) as cpu does",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const cpu = await train("cpu", cnn, () => tf.tensor4d(images, [N, 8, 8, 1]), 2);
      const gpu = await train("webgpu", cnn, () => tf.tensor4d(images, [N, 8, 8, 1]), 2);
      assertAgree(gpu, cpu, 1e-4);
    } finally {
      await setBackend(restore);
    }
  },
});

Deno.test({
  name:
    "webgpu: fused update rules registered, other fused operations plain, one-batch calls refused",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      await setBackend("webgpu");
      assert.equal(hasFusedReplacement("denseBiasActivation"), false);
      assert.notEqual(fusedUpdateRule("adam"), undefined); // backend/webgpu/fused_updates.ts
      const model = mlp();
      const x = tf.tensor2d(features, [N, 8]);
      const y = tf.tensor1d(labels);
      // one-batch calls return numbers at once: they cannot on an asynchronous backend
      assert.throws(
        () => model.trainOnBatch(x, y),
        (e: Error) =>
          e instanceof TypeError && /on the "webgpu" backend as it returns numbers at once/
            .test(e.message) &&
          /trainOnBatchAsync/.test(e.message),
      );
      model.dispose();
      tf.dispose([x, y]);
    } finally {
      await setBackend(restore);
    }
  },
});
