/**
 * kerno's TensorFlow.js anchor: the benchmark's training workloads in
 * TensorFlow.js Layers (`tf.layers` and `model.fit`), the JavaScript peer.
 * `deno task bench` starts it through `bench/anchors.ts`; by hand:
 *
 * ```sh
 * deno run -A --no-lock bench/tfjs_layers_anchor.ts [cpu|wasm] [--only=mlp,cnn] [--passes=3]
 * ```
 *
 * (`--samples=N` shrinks every workload's data to N samples, for a quick
 * check or a bounded run; `--freeze-embedding` builds the token embeddings
 * with `trainable: false`, so that a run times the layers after them: see
 * below.)
 *
 * The timing rule is kerno's (`bench/workloads.ts`, `timeFit`): one warm-up
 * epoch of `fit(x, y, { batchSize, epochs: 1, shuffle: true })`, then
 * `--passes` timed epochs of the same call; the fastest epoch gives the
 * figure. One JSON line per workload, with `samples_per_s`, `step_ms`,
 * `steps` (per pass), `passes`, `warmup_steps` and `pass_s`, or `error`.
 *
 * The six workloads are those of `bench/torch_anchor.py` (its docstring
 * lists the layers; Adam 1e-3 throughout; all six by default). Where PyTorch
 * takes logits, the last layer here applies the softmax itself. TensorFlow.js
 * Layers has no multi-head attention layer, so the transformer's is written
 * here as a small custom layer of `tf` operations.
 *
 * Slow spots, measured on 2 shared cores: TensorFlow.js's `cpu` backend
 * takes tens of seconds to minutes per step on the workloads other than mlp
 * (about 7 minutes a step on the transformer); its `wasm` backend has no
 * gradient kernels for convolutions or embeddings, so those workloads report
 * an error there. The time on cpu is the Embedding's gradient (TensorFlow.js
 * computes it with one masked sum per row of the 20000-row table, all kept
 * until the step ends): on lstm, over 7 minutes and up to 20 GB of memory
 * for one step of 64, while the LSTM and Dense layers after it take about
 * 2 s (0.5 s on wasm). `bench/run.ts` runs this anchor on
 * mlp in full, and on lstm bounded: a few steps per pass, with
 * `--freeze-embedding` (on both backends), which times TensorFlow.js's LSTM
 * and leaves the Embedding's gradient out, a figure above what the full
 * workload could reach.
 *
 * `--no-lock` keeps the repository's `deno.lock` as it is: the `wasm` backend
 * (`npm:@tensorflow/tfjs-backend-wasm`) is loaded only when asked for, and
 * needs the npm registry the first time.
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { ANCHOR_WORKLOADS } from "./anchors.ts";

const VOCAB = 20000;

/** Adds a learned embedding of each position to a `[batch, length, width]` input. */
class PositionEmbedding extends tf.layers.Layer {
  static className = "KernoBenchPositionEmbedding";
  private table?: tf.LayerVariable;

  constructor(private readonly length: number, private readonly width: number) {
    super({});
  }

  override build(): void {
    this.table = this.addWeight(
      "positions",
      [this.length, this.width],
      "float32",
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.add(x, this.table!.read());
  }
}

/** Scaled dot-product self-attention with `heads` heads of `size`, projected back to `width`. */
class SelfAttention extends tf.layers.Layer {
  static className = "KernoBenchSelfAttention";
  private weights4: tf.LayerVariable[] = [];
  private biases4: tf.LayerVariable[] = [];

  constructor(
    private readonly heads: number,
    private readonly size: number,
    private readonly width: number,
  ) {
    super({});
  }

  override build(): void {
    const inner = this.heads * this.size;
    const shapes = [[this.width, inner], [this.width, inner], [this.width, inner], [
      inner,
      this.width,
    ]];
    shapes.forEach((shape, i) => {
      const name = ["query", "key", "value", "output"][i];
      this.weights4.push(
        this.addWeight(`${name}_kernel`, shape, "float32", tf.initializers.glorotUniform({})),
      );
      this.biases4.push(
        this.addWeight(`${name}_bias`, [shape[1]], "float32", tf.initializers.zeros()),
      );
    });
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, length] = x.shape as number[];
      const rows = x.reshape([batch * length, this.width]);
      const [wq, wk, wv, wo] = this.weights4.map((w) => w.read());
      const [bq, bk, bv, bo] = this.biases4.map((b) => b.read());
      const split = (w: tf.Tensor, b: tf.Tensor) =>
        tf.add(tf.matMul(rows, w), b).reshape([batch, length, this.heads, this.size])
          .transpose([0, 2, 1, 3]);
      const q = split(wq, bq), k = split(wk, bk), v = split(wv, bv);
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(this.size));
      const mixed = tf.matMul(tf.softmax(scores), v).transpose([0, 2, 1, 3])
        .reshape([batch * length, this.heads * this.size]);
      return tf.add(tf.matMul(mixed, wo), bo).reshape([batch, length, this.width]);
    });
  }
}

/** A compiled model, its data and its batch size. */
interface Built {
  model: tf.LayersModel;
  x: tf.Tensor;
  y: tf.Tensor;
  batch: number;
}

const ids = (n: number, length: number) =>
  tf.tidy(() => tf.randomUniform([n, length], 0, VOCAB, "int32").cast("float32"));
const classes = (n: number, k: number) =>
  tf.tidy(() => tf.randomUniform([n, 1], 0, k, "int32").cast("float32"));

function compile(model: tf.LayersModel, loss: string): tf.LayersModel {
  model.compile({ optimizer: tf.train.adam(1e-3), loss });
  return model;
}

function build(name: string, samples?: number, freezeEmbedding = false): Built {
  const L = tf.layers;
  const size = (n: number) => samples ?? n;
  const trainable = !freezeEmbedding;
  if (name === "mlp") {
    const model = tf.sequential({
      layers: [
        L.dense({ units: 256, activation: "relu", inputShape: [784] }),
        L.dense({ units: 10, activation: "softmax" }),
      ],
    });
    const n = size(8192);
    const x = tf.randomNormal([n, 784]);
    return {
      model: compile(model, "sparseCategoricalCrossentropy"),
      x,
      y: classes(n, 10),
      batch: 64,
    };
  }
  if (name === "cnn") {
    const model = tf.sequential({
      layers: [
        L.conv2d({ filters: 32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1] }),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 128, activation: "relu" }),
        L.dense({ units: 10, activation: "softmax" }),
      ],
    });
    const n = size(2048);
    const x = tf.randomNormal([n, 28, 28, 1]);
    return {
      model: compile(model, "sparseCategoricalCrossentropy"),
      x,
      y: classes(n, 10),
      batch: 64,
    };
  }
  if (name === "embedding") {
    const model = tf.sequential({
      layers: [
        L.embedding({ inputDim: VOCAB, outputDim: 50, inputLength: 42, trainable }),
        L.flatten(),
        L.dense({ units: 128, activation: "relu" }),
        L.dense({ units: 1, activation: "sigmoid" }),
      ],
    });
    const n = size(8192);
    return {
      model: compile(model, "binaryCrossentropy"),
      x: ids(n, 42),
      y: classes(n, 2),
      batch: 32,
    };
  }
  if (name === "autoencoder") {
    const conv = { kernelSize: 3, strides: 2, padding: "same" as const };
    const model = tf.sequential({
      layers: [
        L.conv2d({ ...conv, filters: 32, activation: "relu", inputShape: [28, 28, 1] }),
        L.conv2d({ ...conv, filters: 64, activation: "relu" }),
        L.conv2dTranspose({ ...conv, filters: 32, activation: "relu" }),
        L.conv2dTranspose({ ...conv, filters: 1, activation: "sigmoid" }),
      ],
    });
    const x = tf.randomUniform([size(2048), 28, 28, 1]);
    return { model: compile(model, "meanSquaredError"), x, y: x, batch: 64 };
  }
  if (name === "lstm") {
    const model = tf.sequential({
      layers: [
        L.embedding({ inputDim: VOCAB, outputDim: 64, inputLength: 80, trainable }),
        L.lstm({ units: 64 }),
        L.dense({ units: 1, activation: "sigmoid" }),
      ],
    });
    const n = size(2048);
    return {
      model: compile(model, "binaryCrossentropy"),
      x: ids(n, 80),
      y: classes(n, 2),
      batch: 64,
    };
  }
  if (name === "transformer") {
    const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
      layer.apply(input) as tf.SymbolicTensor;
    const input = tf.input({ shape: [80] });
    let h = apply(L.embedding({ inputDim: VOCAB, outputDim: 64, trainable }), input);
    h = apply(new PositionEmbedding(80, 64), h);
    const attended = apply(new SelfAttention(2, 32, 64), h);
    h = apply(L.layerNormalization({ epsilon: 1e-6 }), apply(L.add(), [h, attended]));
    const fed = apply(
      L.dense({ units: 64 }),
      apply(L.dense({ units: 128, activation: "relu" }), h),
    );
    h = apply(L.layerNormalization({ epsilon: 1e-6 }), apply(L.add(), [h, fed]));
    const pooled = apply(L.globalAveragePooling1d(), h);
    const output = apply(L.dense({ units: 2, activation: "softmax" }), pooled);
    const model = tf.model({ inputs: input, outputs: output });
    const n = size(2048);
    return {
      model: compile(model, "sparseCategoricalCrossentropy"),
      x: ids(n, 80),
      y: classes(n, 2),
      batch: 32,
    };
  }
  throw new RangeError(`unknown workload "${name}"`);
}

/**
 * Trains one workload: a warm-up epoch, then `passes` timed epochs.
 *
 * @param name The workload.
 * @param passes Timed epochs; the fastest counts.
 * @param framework The framework's label for the JSON line.
 * @param samples Samples per epoch, for a quick check. @default {the workload's}
 * @param freezeEmbedding Whether the token embedding is built with
 *   `trainable: false` (the line then says `"frozen_embedding": true`).
 *   @default false
 * @returns The JSON line's fields.
 */
async function timeWorkload(
  name: string,
  passes: number,
  framework: string,
  samples?: number,
  freezeEmbedding = false,
): Promise<Record<string, unknown>> {
  const { model, x, y, batch } = build(name, samples, freezeEmbedding);
  try {
    const n = x.shape[0];
    const steps = Math.ceil(n / batch);
    const options: tf.ModelFitArgs = {
      batchSize: batch,
      epochs: 1,
      shuffle: true,
      verbose: 0,
      yieldEvery: "never",
    };
    await model.fit(x, y, options); // warm-up
    const seconds: number[] = [];
    for (let p = 0; p < passes; p++) {
      const t0 = performance.now();
      await model.fit(x, y, options);
      seconds.push((performance.now() - t0) / 1000);
    }
    const best = Math.min(...seconds);
    return {
      workload: name,
      framework,
      samples_per_s: Math.round((n / best) * 10) / 10,
      step_ms: Math.round((1e6 * best) / steps) / 1000,
      steps,
      passes,
      warmup_steps: steps,
      pass_s: seconds.map((s) => Math.round(s * 1e4) / 1e4),
      ...(freezeEmbedding ? { frozen_embedding: true } : {}),
    };
  } finally {
    tf.dispose(x === y ? [x] : [x, y]);
    model.dispose();
  }
}

if (import.meta.main) {
  const args = Deno.args;
  const backend = args.find((a) => !a.startsWith("--")) ?? "cpu";
  const only = (args.find((a) => a.startsWith("--only="))?.slice(7) ?? ANCHOR_WORKLOADS.join(","))
    .split(",").filter((s) => s !== "");
  const passes = Number(args.find((a) => a.startsWith("--passes="))?.slice(9) ?? 3);
  const samplesArg = args.find((a) => a.startsWith("--samples="))?.slice(10);
  const samples = samplesArg === undefined ? undefined : Number(samplesArg);
  const freezeEmbedding = args.includes("--freeze-embedding");
  const unknown = only.filter((s) => !(ANCHOR_WORKLOADS as readonly string[]).includes(s));
  const count = (v: number | undefined) => v === undefined || (Number.isInteger(v) && v >= 1);
  if (unknown.length > 0 || !count(passes) || !count(samples)) {
    console.error(
      `usage: tfjs_layers_anchor.ts [cpu|wasm] [--only=${ANCHOR_WORKLOADS.join(",")}] ` +
        `[--passes=N ≥ 1] [--samples=N] [--freeze-embedding]`,
    );
    Deno.exit(2);
  }
  if (backend === "wasm") {
    // A computed specifier: type checks and the lock file leave the package out.
    const wasmPackage = ["npm:@tensorflow", "tfjs-backend-wasm@4.22.0"].join("/");
    await import(wasmPackage);
  }
  await tf.setBackend(backend);
  await tf.ready();
  const framework = `tfjs-layers-${tf.version.tfjs}-${backend}`;
  for (const name of only) {
    let line: Record<string, unknown>;
    try {
      line = await timeWorkload(name, passes, framework, samples, freezeEmbedding);
    } catch (e) {
      line = { workload: name, framework, error: (e as Error).message };
    }
    console.log(JSON.stringify(line));
  }
}
