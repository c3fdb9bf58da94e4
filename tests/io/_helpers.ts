/** Shared helpers of the io tests: temporary directories, small models, comparisons. */
import { layers, type Model, Sequential, setSeed, tf } from "../../mod.ts";

/** A fresh temporary directory, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "kerno-io-" });
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/** The values of every weight, as plain arrays. */
export function weightValues(model: Model): number[][] {
  return model.weights.map((w) => Array.from(w.dataSync()));
}

/** The model's prediction on `x`, as a flat array. */
export function predictValues(model: Model, x: tf.Tensor): number[] {
  const y = model.predict(x);
  const values = Array.from(y.dataSync());
  y.dispose();
  return values;
}

/** A small compiled classifier (Dense, BatchNormalization, Dropout) on 3 features. */
export function smallClassifier(seed = 1): Sequential {
  setSeed(seed);
  const model = new Sequential([
    new layers.Dense(6, { activation: "relu", inputShape: [3] }),
    new layers.BatchNormalization(),
    new layers.Dropout(0.2),
    new layers.Dense(2, { activation: "softmax" }),
  ]);
  model.compile({
    optimizer: "adam",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  return model;
}

/** 16 samples of 3 features and alternating labels. */
export function classifierData(): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tensor2d(Array.from({ length: 48 }, (_, i) => Math.sin(i * 1.7)), [16, 3]);
  const y = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 2));
  return { x, y };
}
