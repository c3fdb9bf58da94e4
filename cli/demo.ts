/**
 * kerno's main job (`deno task demo`): a small convolutional network learns
 * the bundled handwritten digits with a progress bar, a validation split, an
 * exponentially decaying learning rate and early stopping; it prints the
 * accuracy on a held-out 20% and the confusion matrix, and writes the saved
 * model, `history.csv` and the training curves.
 *
 * Run: `deno task demo` (or `deno run -A cli/demo.ts`).
 *
 * @module
 */
import {
  callbacks,
  datasets,
  getBackend,
  layers,
  optimizers,
  schedules,
  Sequential,
  setSeed,
  tf,
} from "../mod.ts";
import { blasAvailable } from "../backend/mod.ts";
import { confusionMatrix, formatConfusion } from "./_confusion.ts";
import { writeRun } from "./_outputs.ts";

/** Options of {@link main}. */
export interface DemoOptions {
  /** The most epochs to train (early stopping may end sooner). @default 40 */
  epochs?: number;
  /** The output folder. @default "runs/demo" */
  out?: string;
  /** 0 silent, 1 progress bar, 2 one line per epoch. @default 1 */
  verbose?: 0 | 1 | 2;
  /** Where the report lines go. @default console.log */
  print?: (line: string) => void;
  /**
   * The network: `"cnn"` (convolutional) or `"mlp"` (dense).
   * @default "cnn" with BLAS, else "mlp" (convolutions on the plain cpu backend take minutes)
   */
  model?: "cnn" | "mlp";
}

/** What the demo measured and wrote. */
export interface DemoResult {
  /** Accuracy on the held-out test part. */
  testAccuracy: number;
  /** Rows: true digit, columns: predicted digit. */
  confusion: number[][];
  /** Epochs trained. */
  epochs: number;
  /** Files and folders written. */
  files: string[];
}

/** Whether kerno's BLAS backend runs (the fast path). */
function fastPath(): boolean {
  return getBackend() === "kerno" && blasAvailable();
}

/** Says which backend runs and, without BLAS, that this is the slow path. */
function backendLine(net: "cnn" | "mlp"): string {
  if (fastPath()) return `backend: kerno (BLAS through FFI): this takes a few seconds`;
  return `backend: ${getBackend()} without BLAS: the demo still finishes, more slowly` +
    (net === "mlp" ? ", with the dense network (a convolutional one would take minutes)" : "") +
    `; install OpenBLAS and allow FFI (-A) for the fast path`;
}

/** The dense network: 64 pixels → 128 → 64 → 10 classes, with dropout. */
function denseNet(): Sequential {
  return new Sequential([
    new layers.Flatten({ inputShape: [8, 8, 1] }),
    new layers.Dense(128, { activation: "relu" }),
    new layers.Dropout(0.2),
    new layers.Dense(64, { activation: "relu" }),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
}

/** The convolutional network: two small convolutions, pooling, dropout and two dense layers. */
function convNet(): Sequential {
  return new Sequential([
    new layers.Conv2D(16, 3, { activation: "relu", padding: "same", inputShape: [8, 8, 1] }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Conv2D(32, 3, { activation: "relu", padding: "same" }),
    new layers.Flatten(),
    new layers.Dropout(0.25),
    new layers.Dense(64, { activation: "relu" }),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
}

const DEMO_MODELS = { cnn: convNet, mlp: denseNet };

/**
 * Runs the demo.
 *
 * @param options Epochs, output folder, verbosity and printer.
 * @returns Test accuracy, confusion matrix, epochs trained and files written.
 */
export async function main(options: DemoOptions = {}): Promise<DemoResult> {
  const { epochs = 40, out = "runs/demo", verbose = 1, print = console.log } = options;
  const net = options.model ?? (fastPath() ? "cnn" : "mlp");
  const started = performance.now();
  print(backendLine(net));
  setSeed(42);
  const data = await datasets.digits();
  const split = datasets.trainTestSplit(data.x, data.y, {
    testSize: 0.2,
    seed: 42,
    stratify: true,
  });
  const images = (x: tf.Tensor) => tf.tidy(() => tf.reshape(tf.div(x, 16), [-1, 8, 8, 1]));
  const xTrain = images(split.xTrain);
  const xTest = images(split.xTest);
  print(
    `digits: ${xTrain.shape[0]} training images (10% of them for validation), ` +
      `${xTest.shape[0]} test images, 8x8 pixels; the ${
        net === "cnn" ? "convolutional" : "dense"
      } network`,
  );
  await Deno.mkdir(out, { recursive: true });
  const model = DEMO_MODELS[net]();
  const batchSize = 32;
  const steps = Math.ceil((xTrain.shape[0] * 0.9) / batchSize);
  const learningRate = new schedules.ExponentialDecay({
    initialLearningRate: 0.003,
    decaySteps: steps,
    decayRate: 0.9,
  });
  model.compile({
    optimizer: new optimizers.Adam({ learningRate }),
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  const history = await model.fit(xTrain, split.yTrain, {
    epochs,
    batchSize,
    validationSplit: 0.1,
    verbose,
    callbacks: [
      new callbacks.EarlyStopping({ monitor: "val_loss", patience: 5, restoreBestWeights: true }),
      new callbacks.CSVLogger(`${out}/history.csv`),
    ],
  });
  const { accuracy, confusion } = testResults(model, xTest, split.yTest);
  print(`test accuracy: ${accuracy.toFixed(4)} on ${xTest.shape[0]} held-out images`);
  print("confusion matrix (rows: true digit, columns: predicted):");
  for (const line of formatConfusion(confusion, data.classNames ?? [])) print(line);
  const files = [`${out}/history.csv`, ...await writeRun(out, model, history.history)];
  print(`wrote ${files.join(", ")}`);
  print(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  tf.dispose([data.x, data.y, split.xTrain, split.xTest, split.yTrain, split.yTest, xTrain, xTest]);
  model.dispose();
  return { testAccuracy: accuracy, confusion, epochs: history.history.loss.length, files };
}

/** Accuracy and confusion matrix of a classifier on labelled data. */
function testResults(
  model: Sequential,
  x: tf.Tensor,
  y: tf.Tensor,
): { accuracy: number; confusion: number[][] } {
  const probabilities = model.predict(x);
  const predicted = tf.tidy(() => tf.argMax(probabilities, -1));
  const confusion = confusionMatrix(y, predicted, probabilities.shape[1] ?? 1);
  tf.dispose([probabilities, predicted]);
  const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
  return { accuracy: correct / x.shape[0], confusion };
}

if (import.meta.main) await main();
