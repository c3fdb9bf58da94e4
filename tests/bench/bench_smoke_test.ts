import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { layers } from "../../mod.ts";
import {
  buildWorkload,
  disposeWorkload,
  FUNCTIONAL_WORKLOADS,
  OWN_API,
  PositionEmbedding,
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

/** Every workload as its own kind of model, then mlp and cnn as functional ones. */
const VARIANTS: [WorkloadName, WorkloadApi][] = [
  ...WORKLOADS.map((n): [WorkloadName, WorkloadApi] => [n, OWN_API[n]]),
  ...FUNCTIONAL_WORKLOADS.map((n): [WorkloadName, WorkloadApi] => [n, "functional"]),
];

for (const [name, api] of VARIANTS) {
  const which = api !== OWN_API[name] ? `${api} ${name}` : name;
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

Deno.test("buildWorkload keeps the anchors' shapes and sizes", () => {
  const shapes = {
    mlp: [784],
    cnn: [28, 28, 1],
    embedding: [42],
    autoencoder: [28, 28, 1],
    lstm: [80],
    transformer: [80],
  };
  const batches = { mlp: 64, cnn: 64, embedding: 32, autoencoder: 64, lstm: 64, transformer: 32 };
  const samples = {
    mlp: 8192,
    cnn: 2048,
    embedding: 8192,
    autoencoder: 2048,
    lstm: 2048,
    transformer: 2048,
  };
  assert.deepEqual(WORKLOADS, ["mlp", "cnn", "embedding", "autoencoder", "lstm", "transformer"]);
  for (const name of WORKLOADS) {
    const w = buildWorkload(name, 4);
    assert.deepEqual(w.x.shape.slice(1), shapes[name]);
    assert.equal(w.batchSize, batches[name]);
    assert.equal(SIZES[name].batchSize, batches[name]);
    assert.equal(SIZES[name].samples, samples[name]);
    disposeWorkload(w);
  }
});

Deno.test("the lstm and transformer workloads are the PyTorch anchor's models", () => {
  const kinds = (w: ReturnType<typeof buildWorkload>) =>
    w.model.layers.map((l) => l.constructor.name).filter((k) => k !== "InputLayer");
  const lstm = buildWorkload("lstm", 4);
  assert.equal(lstm.api, "sequential");
  assert.deepEqual(kinds(lstm), ["Embedding", "LSTM", "Dense"]);
  assert.deepEqual(lstm.model.outputShape, [null, 1]);
  // torch_anchor.py's LastStepLstm has 1,313,345 parameters: nn.LSTM's second bias (4·64) is
  // the one Keras's LSTM lacks.
  assert.equal(lstm.model.countParams(), 1_313_345 - 4 * 64);
  const ids = lstm.x.dataSync();
  assert.ok(ids.every((v) => Number.isInteger(v) && v >= 0 && v < 20000));
  assert.deepEqual(lstm.y.shape, [4, 1]);
  disposeWorkload(lstm);

  const transformer = buildWorkload("transformer", 4);
  assert.equal(transformer.api, "functional");
  assert.notEqual(transformer.model.graph, null);
  assert.deepEqual(kinds(transformer).sort(), [
    "Add",
    "Add",
    "Dense",
    "Dense",
    "Dense",
    "Embedding",
    "GlobalAveragePooling1D",
    "LayerNormalization",
    "LayerNormalization",
    "MultiHeadAttention",
    "PositionEmbedding",
  ]);
  const position = transformer.model.layers.find((l) => l instanceof PositionEmbedding);
  assert.deepEqual((position as PositionEmbedding).positions?.shape, [80, 64]);
  for (const layer of transformer.model.layers) {
    if (layer instanceof layers.LayerNormalization) assert.equal(layer.epsilon, 1e-6);
    if (layer instanceof layers.MultiHeadAttention) {
      assert.deepEqual([layer.numHeads, layer.keyDim], [2, 32]);
    }
  }
  // torch_anchor.py's EncoderClassifier: the same 1,318,722 parameters.
  assert.equal(transformer.model.countParams(), 1_318_722);
  assert.deepEqual(transformer.model.outputs[0].shape, [null, 2]);
  assert.deepEqual(transformer.y.shape, [4]);
  disposeWorkload(transformer);
  assert.throws(() => buildWorkload("transformer", 4, "sequential"), /functional only/);
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
  assert.throws(() => buildWorkload("lstm", 4, "functional"), /only mlp and cnn/);
});

Deno.test("bench/run.ts names every workload when --only lists an unknown one", async () => {
  const run = new URL("../../bench/run.ts", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", run.pathname, "--only=lstm,rnn"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.success, false);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.match(stderr, /must list some of mlp, cnn, embedding, autoencoder, lstm, transformer/);
  assert.match(stderr, /received "rnn"/);
});
