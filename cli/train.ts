/**
 * `kerno train`: trains a preset network on a bundled data set or a CSV
 * file and writes what the demo writes (saved model, `history.csv`, curves).
 *
 * @module
 */
import {
  callbacks,
  datasets,
  layers,
  optimizers,
  schedules,
  Sequential,
  setSeed,
  tf,
} from "../mod.ts";
import { readCsv } from "./_csv.ts";
import { confusionMatrix } from "./_confusion.ts";
import { writeRun } from "./_outputs.ts";

/** The bundled data sets `train` knows by name. */
export const BUNDLED = ["digits", "iris", "breast_cancer", "diabetes"] as const;
/** Model presets. */
export const PRESETS = ["mlp", "linear", "cnn"] as const;
/** Learning-rate schedules. */
export const SCHEDULES = ["constant", "exponential", "cosine"] as const;

/** Options of {@link train}. */
export interface TrainOptions {
  /** A bundled data set's name or a CSV file's path. */
  data: string;
  /** The CSV target column (CSV only). */
  target?: string;
  /** Model preset; `"cnn"` needs 8x8 images (digits). @default "mlp" */
  model?: (typeof PRESETS)[number];
  /** Hidden layer sizes of the `"mlp"` preset. @default [64, 32] */
  hidden?: number[];
  /** Optimizer name (any kerno optimizer). @default "adam" */
  optimizer?: string;
  /** Initial learning rate. @default 0.001 */
  lr?: number;
  /** Learning-rate schedule (decay per epoch, or cosine over the run). @default "constant" */
  schedule?: (typeof SCHEDULES)[number];
  /** Epochs. @default 20 */
  epochs?: number;
  /** Batch size, or `"full"` for batch gradient descent. @default 32 */
  batchSize?: number | "full";
  /** Validation fraction of the training part. @default 0.2 */
  validationSplit?: number;
  /** Seed of the split, the weights and the shuffles. @default 42 */
  seed?: number;
  /** Output folder. @default "runs/train" */
  out?: string;
  /** 0 silent, 1 progress bar, 2 one line per epoch. @default 2 */
  verbose?: 0 | 1 | 2;
  /** Where report lines go. @default console.log */
  print?: (line: string) => void;
}

interface Table {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
  classNames?: string[];
}

async function load(data: string, target: string | undefined): Promise<Table> {
  if (data === "digits") return await datasets.digits();
  if (data === "iris") return await datasets.iris();
  if (data === "breast_cancer") return await datasets.breastCancer();
  if (data === "diabetes") return await datasets.diabetes();
  if (target === undefined) {
    throw new TypeError(`Cannot train on ${data} as a CSV file needs "--target <column>"`);
  }
  return await readCsv(data, target);
}

function buildModel(o: TrainOptions, features: number, outputs: number, classify: boolean) {
  const head = new layers.Dense(outputs, { activation: classify ? "softmax" : "linear" });
  if ((o.model ?? "mlp") === "cnn") {
    if (features !== 64) {
      throw new RangeError(
        `Cannot use --model cnn as it needs 8x8 images (64 features): received ${features}`,
      );
    }
    return new Sequential([
      new layers.Reshape([8, 8, 1], { inputShape: [64] }),
      new layers.Conv2D(16, 3, { activation: "relu", padding: "same" }),
      new layers.MaxPooling2D({ poolSize: 2 }),
      new layers.Flatten(),
      new layers.Dense(64, { activation: "relu" }),
      head,
    ]);
  }
  const hidden = o.model === "linear" ? [] : o.hidden ?? [64, 32];
  const dense = hidden.map((units, i) =>
    new layers.Dense(units, { activation: "relu", ...(i === 0 ? { inputShape: [features] } : {}) })
  );
  if (dense.length === 0) {
    return new Sequential([
      new layers.Dense(outputs, {
        activation: classify ? "softmax" : "linear",
        inputShape: [features],
      }),
    ]);
  }
  return new Sequential([...dense, head]);
}

/**
 * Trains a model as the options say and writes its outputs.
 *
 * @param o See {@link TrainOptions}.
 * @returns The test metrics (on a held-out 20%) and the files written.
 */
export async function train(
  o: TrainOptions,
): Promise<{ test: Record<string, number>; files: string[] }> {
  const print = o.print ?? console.log;
  const out = o.out ?? "runs/train";
  const epochs = o.epochs ?? 20;
  const seed = o.seed ?? 42;
  setSeed(seed);
  const table = await load(o.data, o.target);
  const classify = table.classNames !== undefined;
  const split = datasets.trainTestSplit(table.x, table.y, {
    testSize: 0.2,
    seed,
    stratify: classify,
  });
  const scaler = datasets.standardize(split.xTrain);
  const xTrain = scaler.transform(split.xTrain) as tf.Tensor2D;
  const xTest = scaler.transform(split.xTest) as tf.Tensor2D;
  const yTrain = classify ? split.yTrain : tf.reshape(split.yTrain, [-1, 1]);
  const yTest = classify ? split.yTest : tf.reshape(split.yTest, [-1, 1]);
  const model = buildModel(o, table.x.shape[1], classify ? table.classNames!.length : 1, classify);
  const n = xTrain.shape[0];
  const validationSplit = o.validationSplit ?? 0.2;
  const batchSize = o.batchSize === "full"
    ? Math.ceil(n * (1 - validationSplit))
    : o.batchSize ?? 32;
  const steps = Math.ceil((n * (1 - validationSplit)) / batchSize);
  const lr = o.lr ?? 0.001;
  const learningRate = o.schedule === "exponential"
    ? new schedules.ExponentialDecay({ initialLearningRate: lr, decaySteps: steps, decayRate: 0.9 })
    : o.schedule === "cosine"
    ? new schedules.CosineDecay({ initialLearningRate: lr, decaySteps: steps * epochs })
    : lr;
  // Look the name up (it throws a clear error), then make one with the rate.
  const named = optimizers.getOptimizer(o.optimizer ?? "adam");
  const Optimizer = named.constructor as new (
    options: optimizers.OptimizerOptions,
  ) => optimizers.Optimizer;
  named.dispose();
  model.compile({
    optimizer: new Optimizer({ learningRate }),
    loss: classify ? "sparse_categorical_crossentropy" : "mean_squared_error",
    metrics: classify ? ["accuracy"] : ["mae"],
  });
  await Deno.mkdir(out, { recursive: true });
  print(
    `training on ${o.data}: ${n} samples (${Math.round(validationSplit * 100)}% for validation), ${
      split.xTest.shape[0]
    } held out for the test`,
  );
  const history = await model.fit(xTrain, yTrain, {
    epochs,
    batchSize,
    validationSplit,
    verbose: o.verbose ?? 2,
    callbacks: [new callbacks.CSVLogger(`${out}/history.csv`)],
  });
  const test = await model.evaluate(xTest, yTest, { batchSize: 256 });
  print(`test: ${Object.entries(test).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")}`);
  if (classify) {
    const predicted = tf.tidy(() => tf.argMax(model.predict(xTest), -1));
    const matrix = confusionMatrix(split.yTest, predicted, table.classNames!.length);
    predicted.dispose();
    print(`confusion matrix rows (true class): ${matrix.map((r) => `[${r.join(" ")}]`).join(" ")}`);
  }
  const files = [`${out}/history.csv`, ...await writeRun(out, model, history.history)];
  print(`wrote ${files.join(", ")}`);
  tf.dispose([
    table.x,
    table.y,
    split.xTrain,
    split.xTest,
    split.yTrain,
    split.yTest,
    xTrain,
    xTest,
    yTrain,
    yTest,
  ]);
  model.dispose();
  return { test, files };
}
