/**
 * The anchors' training workloads (`bench/torch_anchor.py`,
 * `bench/tfjs_layers_anchor.ts`), built with kerno: the
 * same layers, shapes, batch sizes and optimizer (Adam, 1e-3) on synthetic
 * data, and the timer whose rule the anchors follow too (one warm-up epoch,
 * then the best of N epochs of `fit`). The mlp and cnn workloads also come
 * built with the functional API (`Input`, `layer.apply`, `new Model({
 * inputs, outputs })`): the same layers, so the two can be timed side by
 * side. The transformer, whose residual connections a `Sequential` stack
 * cannot express, is a functional model only.
 *
 * @module
 */
import {
  Input,
  Layer,
  layers,
  losses,
  Model,
  optimizers,
  Sequential,
  type SymbolicTensor,
  tf,
} from "../mod.ts";

/** The workloads' names. */
export type WorkloadName = "mlp" | "cnn" | "embedding" | "autoencoder" | "lstm" | "transformer";

/** Every workload, in the anchors' order. */
export const WORKLOADS: readonly WorkloadName[] = [
  "mlp",
  "cnn",
  "embedding",
  "autoencoder",
  "lstm",
  "transformer",
];

/** How a workload's model is built: a `Sequential` stack, or the same layers as a functional `Model`. */
export type WorkloadApi = "sequential" | "functional";

/** The workloads that also have a functional variant besides their `Sequential` model. */
export const FUNCTIONAL_WORKLOADS: readonly WorkloadName[] = ["mlp", "cnn"];

/**
 * How each workload is built by default: a `Sequential` stack, but for the
 * transformer (residual connections), which is a functional model only.
 */
export const OWN_API: Readonly<Record<WorkloadName, WorkloadApi>> = {
  mlp: "sequential",
  cnn: "sequential",
  embedding: "sequential",
  autoencoder: "sequential",
  lstm: "sequential",
  transformer: "functional",
};

/** A compiled model with its data. */
export interface Workload {
  /** The workload's name. */
  name: WorkloadName;
  /** How the model was built. */
  api: WorkloadApi;
  /** The compiled model. */
  model: Model;
  /** Inputs. */
  x: tf.Tensor;
  /** Targets. */
  y: tf.Tensor;
  /** Samples per step. */
  batchSize: number;
  /** Samples per epoch. */
  samples: number;
}

/** The anchors' sizes: samples per epoch and batch size. */
export const SIZES: Readonly<Record<WorkloadName, { samples: number; batchSize: number }>> = {
  mlp: { samples: 8192, batchSize: 64 },
  cnn: { samples: 2048, batchSize: 64 },
  embedding: { samples: 8192, batchSize: 32 },
  autoencoder: { samples: 2048, batchSize: 64 },
  lstm: { samples: 2048, batchSize: 64 },
  transformer: { samples: 2048, batchSize: 32 },
};

/** The lstm and transformer workloads' vocabulary and sequence length. */
const VOCAB = 20000;
const TOKENS = 80;

/**
 * Builds a workload.
 *
 * @param name `"mlp"`, `"cnn"`, `"embedding"`, `"autoencoder"`, `"lstm"` or `"transformer"`.
 * @param samples Samples per epoch. @default {the anchor's size}
 * @param api `"functional"` builds the same layers with `Input`,
 *   `layer.apply` and `new Model({ inputs, outputs })` (mlp and cnn, and the
 *   transformer, which is only functional). @default {OWN_API[name]}
 * @returns The compiled model and its data; dispose with {@link disposeWorkload}.
 */
export function buildWorkload(
  name: WorkloadName,
  samples?: number,
  api: WorkloadApi = OWN_API[name],
): Workload {
  if (api !== OWN_API[name] && !FUNCTIONAL_WORKLOADS.includes(name)) {
    throw new RangeError(
      `Cannot build the ${name} workload with the ${api} API: only ${
        FUNCTIONAL_WORKLOADS.join(" and ")
      } have both a Sequential and a functional variant (the transformer is functional only)`,
    );
  }
  const n = samples ?? SIZES[name].samples;
  const batchSize = SIZES[name].batchSize;
  const adam = () => new optimizers.Adam({ learningRate: 1e-3 });
  if (name === "mlp") {
    // `first` carries the Sequential model's input shape; the functional one starts at an Input.
    const stack = (first: { inputShape?: number[] }) => [
      new layers.Dense(256, { activation: "relu", ...first }),
      new layers.Dense(10),
    ];
    const model = api === "functional"
      ? functionalStack([784], stack({}))
      : new Sequential(stack({ inputShape: [784] }));
    model.compile({ optimizer: adam(), loss: fromLogitsLoss() });
    const x = tf.randomNormal([n, 784]);
    return { name, api, model, x, y: labels(n, 10), batchSize, samples: n };
  }
  if (name === "cnn") {
    const stack = (first: { inputShape?: number[] }) => [
      new layers.Conv2D(32, 3, { activation: "relu", ...first }),
      new layers.MaxPooling2D({ poolSize: 2 }),
      new layers.Conv2D(64, 3, { activation: "relu" }),
      new layers.MaxPooling2D({ poolSize: 2 }),
      new layers.Flatten(),
      new layers.Dense(128, { activation: "relu" }),
      new layers.Dense(10),
    ];
    const model = api === "functional"
      ? functionalStack([28, 28, 1], stack({}))
      : new Sequential(stack({ inputShape: [28, 28, 1] }));
    model.compile({ optimizer: adam(), loss: fromLogitsLoss() });
    const x = tf.randomNormal([n, 28, 28, 1]);
    return { name, api, model, x, y: labels(n, 10), batchSize, samples: n };
  }
  if (name === "embedding") {
    const model = new Sequential([
      new layers.Embedding(VOCAB, 50, { inputLength: 42, inputShape: [42] }),
      new layers.Flatten(),
      new layers.Dense(128, { activation: "relu" }),
      new layers.Dense(1, { activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: adam(), loss: "binary_crossentropy" });
    return { name, api, model, x: tokens(n, 42), y: binary(n), batchSize, samples: n };
  }
  if (name === "autoencoder") {
    // PyTorch's: two stride-2 convolutions down to 7x7x64, two stride-2 transposed ones back up.
    const same = { strides: 2, padding: "same" as const };
    const model = new Sequential([
      new layers.Conv2D(32, 3, { ...same, activation: "relu", inputShape: [28, 28, 1] }),
      new layers.Conv2D(64, 3, { ...same, activation: "relu" }),
      new layers.Conv2DTranspose(32, 3, { ...same, activation: "relu" }),
      new layers.Conv2DTranspose(1, 3, { ...same, activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: adam(), loss: "mse" });
    const x = tf.randomUniform([n, 28, 28, 1]);
    return { name, api, model, x, y: x.clone(), batchSize, samples: n };
  }
  if (name === "lstm") {
    // PyTorch's LastStepLstm: nn.LSTM's output at the last step is Keras's LSTM without returnSequences.
    const model = new Sequential([
      new layers.Embedding(VOCAB, 64, { inputShape: [TOKENS] }),
      new layers.LSTM(64),
      new layers.Dense(1, { activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: adam(), loss: "binary_crossentropy" });
    return { name, api, model, x: tokens(n, TOKENS), y: binary(n), batchSize, samples: n };
  }
  // transformer: PyTorch's EncoderClassifier, one post-norm encoder block.
  const model = encoderClassifier();
  model.compile({ optimizer: adam(), loss: fromLogitsLoss() });
  return { name, api, model, x: tokens(n, TOKENS), y: labels(n, 2), batchSize, samples: n };
}

/**
 * Adds a learned embedding of each position (a `[length, width]` table,
 * initialised as Keras's Embedding, uniform in [-0.05, 0.05]) to a `[batch,
 * length, width]` input: PyTorch's `position(arange(length))` term.
 */
export class PositionEmbedding extends Layer {
  /** The number of positions. */
  readonly length: number;
  /** The width of each position's vector. */
  readonly width: number;
  /** The table, `[length, width]`; set by `build`. */
  positions: tf.Variable | null = null;

  /**
   * Creates the layer.
   *
   * @param length The number of positions (the sequence length).
   * @param width The width of each vector (the token embedding's).
   */
  constructor(length: number, width: number) {
    super({});
    this.length = length;
    this.width = width;
  }

  /** Creates the table. */
  override build(): void {
    this.positions = this.addWeight("positions", [this.length, this.width], {
      initializer: "random_uniform",
    });
  }

  /** Adds the table to every sample. */
  override call(inputs: tf.Tensor): tf.Tensor {
    return tf.add(inputs, this.positions!);
  }
}

/**
 * The transformer workload's model: token embedding plus a learned position
 * embedding → self-attention (2 heads of 32) → residual → LayerNorm (eps
 * 1e-6) → Dense 128 relu → Dense 64 → residual → LayerNorm (eps 1e-6) →
 * mean over the sequence → Dense 2 (logits: the softmax is in the loss, as
 * PyTorch's CrossEntropyLoss).
 */
function encoderClassifier(length = TOKENS, width = 64, heads = 2, hidden = 128): Model {
  const inputs = Input({ shape: [length] });
  let h = new layers.Embedding(VOCAB, width).apply(inputs);
  h = new PositionEmbedding(length, width).apply(h);
  const attended = new layers.MultiHeadAttention(heads, width / heads).apply([h, h]);
  h = new layers.LayerNormalization({ epsilon: 1e-6 }).apply(new layers.Add().apply([h, attended]));
  const expanded = new layers.Dense(hidden, { activation: "relu" }).apply(h);
  const fed = new layers.Dense(width).apply(expanded);
  h = new layers.LayerNormalization({ epsilon: 1e-6 }).apply(new layers.Add().apply([h, fed]));
  const pooled = new layers.GlobalAveragePooling1D().apply(h);
  const outputs = new layers.Dense(2).apply(pooled);
  return new Model({ inputs, outputs });
}

/** The layers chained with the functional API: `Input` → `layer.apply` in turn → `new Model`. */
function functionalStack(shape: number[], stack: Layer[]): Model {
  const inputs = Input({ shape });
  let x: SymbolicTensor = inputs;
  for (const layer of stack) x = layer.apply(x);
  return new Model({ inputs, outputs: x });
}

/** PyTorch's CrossEntropyLoss: softmax cross-entropy on the logits. */
function fromLogitsLoss(): losses.SparseCategoricalCrossentropy {
  return new losses.SparseCategoricalCrossentropy({ fromLogits: true });
}

function labels(n: number, classes: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.randomUniform([n], 0, classes, "int32"), "float32"));
}

/** `n` sequences of `length` token ids in [0, 20000), as float32 (as the anchors feed them). */
function tokens(n: number, length: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.randomUniform([n, length], 0, VOCAB, "int32"), "float32"));
}

/** `n` binary targets, `[n, 1]`. */
function binary(n: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.randomUniform([n, 1], 0, 2, "int32"), "float32"));
}

/**
 * Frees a workload's tensors and model.
 *
 * @param w The workload.
 */
export function disposeWorkload(w: Workload): void {
  tf.dispose([w.x, w.y]);
  w.model.dispose();
}

/** What one workload's timing found. */
export interface FitTiming {
  /** Samples per second of the best epoch. */
  samplesPerSecond: number;
  /** Milliseconds per step of the best epoch. */
  stepMs: number;
  /** Seconds of every timed epoch. */
  epochSeconds: number[];
  /** `tf.memory().numTensors` after each timed epoch. */
  numTensors: number[];
  /** Resident memory (MB) after each timed epoch. */
  rssMb: number[];
}

/**
 * Times `fit`: one warm-up epoch, then `repeats` epochs of
 * `fit(x, y, { batchSize, epochs: 1, verbose: 0, shuffle: true })`; the best
 * epoch counts, as in the anchors.
 *
 * @param w The workload.
 * @param repeats Timed epochs. @default 3
 * @returns The timing, with the tensor count and resident memory per epoch.
 */
export async function timeFit(w: Workload, repeats = 3): Promise<FitTiming> {
  const options = { batchSize: w.batchSize, epochs: 1, verbose: 0 as const, shuffle: true };
  await w.model.fit(w.x, w.y, options); // warm-up
  const epochSeconds: number[] = [];
  const numTensors: number[] = [];
  const rssMb: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await w.model.fit(w.x, w.y, options);
    epochSeconds.push((performance.now() - t0) / 1000);
    numTensors.push(tf.memory().numTensors);
    rssMb.push(Math.round(Deno.memoryUsage().rss / 2 ** 20));
  }
  const best = Math.min(...epochSeconds);
  const steps = Math.ceil(w.samples / w.batchSize);
  return {
    samplesPerSecond: w.samples / best,
    stepMs: (1000 * best) / steps,
    epochSeconds,
    numTensors,
    rssMb,
  };
}

/**
 * Times `predict` over the workload's inputs (one warm-up pass, best of
 * `repeats`).
 *
 * @param w The workload.
 * @param batchSize Samples per batch. @default 256
 * @param repeats Timed passes. @default 3
 * @returns Samples per second.
 */
export function timePredict(w: Workload, batchSize = 256, repeats = 3): number {
  let best = Infinity;
  for (let r = 0; r <= repeats; r++) {
    const t0 = performance.now();
    const out = w.model.predict(w.x, { batchSize }) as tf.Tensor;
    out.dataSync();
    out.dispose();
    if (r > 0) best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return w.samples / best;
}

/**
 * {@link timePredict} for a backend that reads asynchronously only (`webgpu`
 * on Deno): `predictAsync`, then one `await data()` of the outputs.
 *
 * @param w The workload.
 * @param batchSize Samples per batch. @default 256
 * @param repeats Timed passes. @default 3
 * @returns Samples per second.
 */
export async function timePredictAsync(w: Workload, batchSize = 256, repeats = 3): Promise<number> {
  let best = Infinity;
  for (let r = 0; r <= repeats; r++) {
    const t0 = performance.now();
    const out = await w.model.predictAsync(w.x, { batchSize }) as tf.Tensor;
    await out.data();
    out.dispose();
    if (r > 0) best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return w.samples / best;
}
