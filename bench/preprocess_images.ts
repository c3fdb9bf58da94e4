/**
 * What image augmentation inside the model costs in `fit`: the `cnn`
 * workload (28×28×1 inputs, batch 64, Adam) timed as it is and with
 * `RandomFlip`, `RandomRotation` and `RandomZoom` as its first layers (the
 * same convolutional stack after them), by `timeFit`'s rule (one warm-up
 * epoch, the best of three). Prints the step times and their ratio; the
 * target is an augmented step under 1.2× the plain one. Also times the
 * three layers alone on one batch in training mode.
 *
 * Run: `deno run -A bench/preprocess_images.ts [--repeats N]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { layers, losses, optimizers, Sequential, setSeed, tf } from "../mod.ts";
import { getBackend } from "../backend/mod.ts";
import { buildWorkload, disposeWorkload, timeFit, type Workload } from "./workloads.ts";

/** The cnn workload's stack with the three augmentation layers in front. */
function augmentedCnn(): Sequential {
  return new Sequential([
    new layers.RandomFlip("horizontal", { inputShape: [28, 28, 1] }),
    new layers.RandomRotation(0.1),
    new layers.RandomZoom(0.1),
    new layers.Conv2D(32, 3, { activation: "relu" }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Conv2D(64, 3, { activation: "relu" }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Flatten(),
    new layers.Dense(128, { activation: "relu" }),
    new layers.Dense(10),
  ]);
}

/** Milliseconds per call of the three augmentation layers on one batch, in training mode. */
function timeLayersAlone(x: tf.Tensor, batchSize: number, repeats = 20): number {
  const stack = [
    new layers.RandomFlip("horizontal"),
    new layers.RandomRotation(0.1),
    new layers.RandomZoom(0.1),
  ];
  const batch = tf.slice(x, 0, batchSize);
  const run = () => {
    let y = batch;
    for (const layer of stack) {
      const next = layer.apply(y, { training: true });
      if (y !== batch) y.dispose();
      y = next;
    }
    y.dataSync();
    y.dispose();
  };
  run();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) run();
  batch.dispose();
  return (performance.now() - t0) / repeats;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { repeats: { type: "string", default: "3" } } });
  const repeats = Number(values.repeats);
  setSeed(1);
  const plain = buildWorkload("cnn");
  const augmented: Workload = { ...plain, model: augmentedCnn() };
  augmented.model.compile({
    optimizer: new optimizers.Adam({ learningRate: 1e-3 }),
    loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  });
  const base = await timeFit(plain, repeats);
  const withAug = await timeFit(augmented, repeats);
  const alone = timeLayersAlone(plain.x, plain.batchSize);
  const ratio = withAug.stepMs / base.stepMs;
  console.log(`backend ${getBackend()}, cnn on 28x28x1, batch ${plain.batchSize}`);
  console.log(`plain step:     ${base.stepMs.toFixed(2)} ms`);
  console.log(
    `augmented step: ${withAug.stepMs.toFixed(2)} ms (RandomFlip + RandomRotation + RandomZoom)`,
  );
  console.log(`ratio:          ${ratio.toFixed(3)} (target < 1.2)`);
  console.log(`the three layers alone on one batch: ${alone.toFixed(2)} ms`);
  augmented.model.dispose();
  disposeWorkload(plain);
}
