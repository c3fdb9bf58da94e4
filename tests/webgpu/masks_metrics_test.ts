/**
 * The WebGPU subset, part 2: what needed a synchronous read until now —
 * masks (`Embedding({ maskZero })` + LSTM, `Masking` + GRU), the matrix
 * metrics (`FBetaScore`, `F1Score`, `MeanIoU`, `R2Score`) and the one-batch
 * calls (`trainOnBatchAsync`, `testOnBatchAsync`) — agree with the `cpu`
 * backend within float32 tolerance. Skipped, with one printed line saying
 * why, when no WebGPU adapter can be had.
 */
import assert from "node:assert/strict";
import {
  getBackend,
  gradients,
  layers,
  metrics,
  Model,
  Sequential,
  setBackend,
  setSeed,
  type StepLogs,
  tf,
} from "../../mod.ts";
import { storedMask } from "../../engine/masks.ts";
import { webgpuTests } from "./_helpers.ts";

const { skip } = await webgpuTests("the WebGPU mask and metric tests");

const N = 24;
const T = 6;
// token ids with trailing padding (0) of 0 to 4 steps per row
const ids = Array.from({ length: N * T }, (_, i) => {
  const [row, step] = [Math.floor(i / T), i % T];
  return step >= T - (row % 5) ? 0 : 1 + ((row * 7 + step * 3) % 19);
});
const classes = Array.from({ length: N }, (_, i) => (i * 5) % 3);
const oneHot = classes.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
// two features per step, a step of zeros being padding for Masking
const features = Array.from({ length: N * T * 2 }, (_, i) => {
  const [row, step] = [Math.floor(i / (T * 2)), Math.floor(i / 2) % T];
  return step >= T - (row % 4) ? 0 : Math.sin(i * 0.7) + 0.1;
});
const targets = Array.from({ length: N }, (_, i) => Math.cos(i * 0.9));

interface Run {
  history: Record<string, number[]>;
  evaluation: Record<string, number>;
  deviceMask: boolean | null;
  leaked: number;
}

const embeddingLstm = () => {
  setSeed(11);
  const model = new Sequential([
    new layers.Embedding(20, 4, { maskZero: true, inputShape: [T] }),
    new layers.LSTM(4),
    new layers.Dense(3, { activation: "softmax" }),
  ]);
  model.compile({
    optimizer: "adam",
    loss: "categorical_crossentropy",
    metrics: [
      new metrics.F1Score({ average: "macro" }),
      new metrics.FBetaScore({ beta: 2, threshold: 0.3 }),
      new metrics.MeanIoU({ numClasses: 3, sparseYTrue: false, sparseYPred: false }),
    ],
  });
  return model;
};

const maskingGru = () => {
  setSeed(12);
  const model = new Sequential([
    new layers.Masking({ maskValue: 0, inputShape: [T, 2] }),
    new layers.GRU(4),
    new layers.Dense(1),
  ]);
  model.compile({ optimizer: "adam", loss: "mse", metrics: [new metrics.R2Score()] });
  return model;
};

/** Trains a fresh model (seeded: the same weights on both backends) on `backend`. */
async function train(
  backend: string,
  build: () => Sequential,
  x: () => tf.Tensor,
  y: () => tf.Tensor,
): Promise<Run> {
  await setBackend(backend);
  const [xs, ys] = [x(), y()];
  const before = tf.memory().numTensors;
  const model = build();
  const h = await model.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0 });
  const evaluation = await model.evaluate(xs, ys, { batchSize: 8 });
  // the first layer's output carries the mask: host values on cpu, a device tensor on webgpu
  const probe = tf.slice(xs, 0, 2);
  const first = model.layers[0].apply(probe) as tf.Tensor;
  const mask = storedMask(first);
  const deviceMask = mask === null ? null : mask.tensor !== undefined;
  tf.dispose([probe, first]);
  model.dispose();
  const leaked = tf.memory().numTensors - before;
  tf.dispose([xs, ys]);
  const history = Object.fromEntries(
    Object.entries(h.history).map(([k, v]) => [k, v as number[]]),
  );
  return { history, evaluation, deviceMask, leaked };
}

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flat(Infinity) as number[] : [v as number];
}

function assertAgree(gpu: Run, cpu: Run, tol: number): void {
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: webgpu ${a}, cpu ${b}`);
  assert.deepEqual(Object.keys(gpu.history).sort(), Object.keys(cpu.history).sort());
  for (const [k, v] of Object.entries(cpu.history)) {
    const g = flat(gpu.history[k]);
    flat(v).forEach((b, i) => close(g[i], b, `${k}[${i}]`));
  }
  for (const [k, v] of Object.entries(cpu.evaluation)) {
    const g = flat(gpu.evaluation[k]);
    flat(v).forEach((b, i) => close(g[i], b, `evaluate ${k}[${i}]`));
  }
  assert.equal(cpu.deviceMask, false, "cpu keeps masks as host values");
  assert.equal(gpu.deviceMask, true, "webgpu keeps masks on the device");
  assert.equal(gpu.leaked, 0, "tensors left behind on webgpu");
  assert.equal(cpu.leaked, 0, "tensors left behind on cpu");
}

const restore = getBackend();

Deno.test({
  name: "webgpu: Embedding(maskZero) + LSTM with F1Score, FBetaScore and MeanIoU as cpu",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const x = () => tf.tensor2d(ids, [N, T], "int32");
      const y = () => tf.tensor2d(oneHot, [N, 3]);
      const cpu = await train("cpu", embeddingLstm, x, y);
      const gpu = await train("webgpu", embeddingLstm, x, y);
      assertAgree(gpu, cpu, 1e-4);
      const keys = Object.keys(gpu.history);
      for (const name of ["f1_score", "fbeta_score", "mean_io_u"]) {
        assert.ok(keys.some((k) => k.startsWith(name)), `${name} in ${keys}`);
      }
    } finally {
      await setBackend(restore);
    }
  },
});

Deno.test({
  name: "webgpu: Masking + GRU with R2Score as cpu",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const x = () => tf.tensor3d(features, [N, T, 2]);
      const y = () => tf.tensor2d(targets, [N, 1]);
      const cpu = await train("cpu", maskingGru, x, y);
      const gpu = await train("webgpu", maskingGru, x, y);
      assertAgree(gpu, cpu, 1e-4);
    } finally {
      await setBackend(restore);
    }
  },
});

/** Three trainOnBatch steps and one testOnBatch, their logs in order. */
async function oneBatchCalls(backend: string): Promise<Record<string, number | number[]>[]> {
  await setBackend(backend);
  const x = tf.tensor2d(ids.map((v) => v / 19), [N, T]);
  const y = tf.tensor2d(oneHot, [N, 3]);
  const before = tf.memory().numTensors;
  setSeed(13);
  const model = new Sequential([
    new layers.Dense(5, { activation: "relu", inputShape: [T] }),
    new layers.Dense(3, { activation: "softmax" }),
  ]);
  model.compile({
    optimizer: "adam",
    loss: "categorical_crossentropy",
    metrics: ["accuracy", new metrics.F1Score()],
  });
  const logs = [];
  const sync = backend === "cpu";
  for (let i = 0; i < 3; i++) {
    logs.push(sync ? model.trainOnBatch(x, y) : await model.trainOnBatchAsync(x, y));
  }
  logs.push(sync ? model.testOnBatch(x, y) : await model.testOnBatchAsync(x, y));
  if (!sync) {
    // the synchronous ones refuse before training, naming the asynchronous ones
    assert.throws(
      () => model.trainOnBatch(x, y),
      (e: Error) =>
        e instanceof TypeError &&
        /Cannot trainOnBatch .* on the "webgpu" backend .* "await model\.trainOnBatchAsync\(x, y\)"/
          .test(e.message),
    );
    assert.throws(() => model.testOnBatch(x, y), /await model\.testOnBatchAsync\(x, y\)/);
  }
  model.dispose();
  assert.equal(tf.memory().numTensors - before, 0, `tensors left behind on ${backend}`);
  tf.dispose([x, y]);
  return logs;
}

Deno.test({
  name: "webgpu: trainOnBatchAsync and testOnBatchAsync give cpu's trainOnBatch and testOnBatch",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const cpu = await oneBatchCalls("cpu");
      const gpu = await oneBatchCalls("webgpu");
      cpu.forEach((logs, i) => {
        assert.deepEqual(Object.keys(gpu[i]).sort(), Object.keys(logs).sort());
        for (const [k, v] of Object.entries(logs)) {
          const g = flat(gpu[i][k]);
          flat(v).forEach((b, j) =>
            assert.ok(Math.abs(g[j] - b) <= 1e-4, `call ${i} ${k}: webgpu ${g[j]}, cpu ${b}`)
          );
        }
      });
    } finally {
      await setBackend(restore);
    }
  },
});

/** A model whose own trainStep logs the metrics' results, as Keras's guide writes one. */
class OwnStep extends Model {
  hidden = new layers.Dense(3, { activation: "softmax" });
  override call(x: tf.Tensor): tf.Tensor {
    return this.hidden.apply(x);
  }
  override trainStep([x, y]: [tf.Tensor, tf.Tensor]): StepLogs {
    let yPred!: tf.Tensor;
    const { value: loss, grads } = gradients(() => {
      yPred = this.apply(x, { training: true }) as tf.Tensor;
      return this.computeLoss({ x, y, yPred });
    }, this.trainableWeights);
    this.optimizer.applyGradients(grads, this.trainableWeights);
    for (const m of this.metrics) m.name === "loss" ? m.updateState(loss) : m.updateState(y, yPred);
    return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
  }
}

Deno.test({
  name:
    "webgpu: an own trainStep reading metric.result() fails saying why; returning tensors works",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      await setBackend("webgpu");
      const x = tf.tensor2d(ids.map((v) => v / 19), [N, T]);
      const y = tf.tensor2d(oneHot, [N, 3]);
      const model = new OwnStep();
      model.compile({ optimizer: "sgd", loss: "categorical_crossentropy", metrics: ["accuracy"] });
      await assert.rejects(
        () => model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }),
        (e: Error) =>
          e instanceof TypeError &&
          /Cannot read the result of .* on the "webgpu" backend as it reads values synchronously/
            .test(e.message),
      );
      model.dispose();
      // the same step logging tensors (read by the trainer with await data()) trains
      class TensorLogs extends OwnStep {
        override trainStep([x, y]: [tf.Tensor, tf.Tensor]): Record<string, tf.Tensor> {
          let yPred!: tf.Tensor;
          const { value: loss, grads } = gradients(() => {
            yPred = this.apply(x, { training: true }) as tf.Tensor;
            return this.computeLoss({ x, y, yPred });
          }, this.trainableWeights);
          this.optimizer.applyGradients(grads, this.trainableWeights);
          return {
            loss,
            accuracy: tf.mean(tf.cast(tf.equal(tf.argMax(y, 1), tf.argMax(yPred, 1)), "float32")),
          };
        }
      }
      const plain = new TensorLogs();
      plain.compile({ optimizer: "sgd", loss: "categorical_crossentropy" });
      const h = await plain.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
      assert.equal(h.history.loss.length, 2);
      assert.ok(h.history.loss.every((v) => typeof v === "number" && Number.isFinite(v)));
      assert.ok((h.history.accuracy as number[]).every((v) => v >= 0 && v <= 1));
      plain.dispose();
      tf.dispose([x, y]);
    } finally {
      await setBackend(restore);
    }
  },
});
