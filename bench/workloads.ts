/**
 * The first three training workloads of the anchors (`bench/torch_anchor.py`,
 * `bench/tfjs_layers_anchor.ts`), built with kerno: the same layers, shapes,
 * batch sizes and optimizer (Adam, 1e-3) on synthetic data, and the timer
 * whose rule the anchors follow too (one warm-up epoch, then the best of N
 * epochs of `fit`). The mlp and cnn workloads also come built with the
 * functional API (`Input`, `layer.apply`, `new Model({ inputs, outputs })`):
 * the same layers, so the two can be timed side by side.
 *
 * @module
 */
import {
  Input,
  type Layer,
  layers,
  losses,
  Model,
  optimizers,
  Sequential,
  type SymbolicTensor,
  tf,
} from "../mod.ts";

/** The workloads' names. */
export type WorkloadName = "mlp" | "cnn" | "embedding";

/** Every workload, in the anchors' order. */
export const WORKLOADS: readonly WorkloadName[] = ["mlp", "cnn", "embedding"];

/** How a workload's model is built: a `Sequential` stack, or the same layers as a functional `Model`. */
export type WorkloadApi = "sequential" | "functional";

/** The workloads that also have a functional variant. */
export const FUNCTIONAL_WORKLOADS: readonly WorkloadName[] = ["mlp", "cnn"];

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
};

/**
 * Builds a workload.
 *
 * @param name `"mlp"`, `"cnn"` or `"embedding"`.
 * @param samples Samples per epoch. @default {the anchor's size}
 * @param api `"functional"` builds the same layers with `Input`,
 *   `layer.apply` and `new Model({ inputs, outputs })` (mlp and cnn only).
 *   @default "sequential"
 * @returns The compiled model and its data; dispose with {@link disposeWorkload}.
 */
export function buildWorkload(
  name: WorkloadName,
  samples?: number,
  api: WorkloadApi = "sequential",
): Workload {
  if (api === "functional" && !FUNCTIONAL_WORKLOADS.includes(name)) {
    throw new RangeError(
      `Cannot build the ${name} workload with the functional API: only ${
        FUNCTIONAL_WORKLOADS.join(" and ")
      } have a functional variant`,
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
  const model = new Sequential([
    new layers.Embedding(20000, 50, { inputLength: 42, inputShape: [42] }),
    new layers.Flatten(),
    new layers.Dense(128, { activation: "relu" }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({ optimizer: adam(), loss: "binary_crossentropy" });
  const x = tf.tidy(() => tf.cast(tf.randomUniform([n, 42], 0, 20000, "int32"), "float32"));
  const y = tf.tidy(() => tf.cast(tf.randomUniform([n, 1], 0, 2, "int32"), "float32"));
  return { name, api, model, x, y, batchSize, samples: n };
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
