/**
 * The lesson's binary classifier on the bundled breast-cancer data:
 * `Dense(16, relu)` → `Dense(1, sigmoid)`, `binary_crossentropy`, `"adam"`,
 * `metrics: ["accuracy"]`, `validationSplit: 0.2`, `verbose: 2`.
 *
 * Run: `deno run -A examples/breast_cancer.ts`
 *
 * @module
 */
import { datasets, layers, Sequential, setSeed, tf } from "../mod.ts";

/**
 * Trains the classifier.
 *
 * @param options Epochs and verbosity.
 * @returns The final validation accuracy.
 */
export async function main(
  options: { epochs?: number; verbose?: 0 | 1 | 2 } = {},
): Promise<number> {
  setSeed(42);
  const data = await datasets.breastCancer();
  // validationSplit takes the last 20% before shuffling: shuffle once so both parts hold both classes.
  const { xTrain, yTrain, xTest, yTest } = datasets.trainTestSplit(data.x, data.y, {
    testSize: 0.2,
    seed: 42,
  });
  const x = tf.concat([xTrain, xTest]);
  const y = tf.tidy(() => tf.reshape(tf.cast(tf.concat([yTrain, yTest]), "float32"), [-1, 1]));
  const scaler = datasets.standardize(xTrain); // fitted on the training part only
  const xs = scaler.transform(x);
  const model = new Sequential([
    new layers.Dense(16, { activation: "relu", inputShape: [data.featureNames.length] }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
  const history = await model.fit(xs, y, {
    batchSize: 32,
    epochs: options.epochs ?? 30,
    verbose: options.verbose ?? 2,
    validationSplit: 0.2,
  });
  tf.dispose([data.x, data.y, xTrain, yTrain, xTest, yTest, x, y, xs]);
  model.dispose();
  const acc = history.history.val_accuracy;
  return acc[acc.length - 1];
}

if (import.meta.main) {
  const accuracy = await main();
  console.log(`final validation accuracy: ${accuracy.toFixed(4)}`);
}
