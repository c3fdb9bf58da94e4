/**
 * The lesson's "Tensorflow training (2)" listing in kerno: a custom loop with
 * a gradient tape (`gradients`), `optimizer.applyGradients`, and the stateful
 * metrics `Mean` and `SparseCategoricalAccuracy`, printing every 50 epochs —
 * on the iris data set.
 *
 * Run: `deno run -A examples/custom_training_loop.ts`
 *
 * @module
 */
import {
  Dataset,
  datasets,
  gradients,
  layers,
  losses,
  metrics,
  optimizers,
  Sequential,
  setSeed,
  tf,
} from "../mod.ts";

/**
 * Trains a small classifier on iris with a hand-written loop.
 *
 * @param options Number of epochs (the lesson uses 201) and where lines go.
 * @returns Loss and accuracy per epoch.
 */
export async function main(
  options: { numEpochs?: number; print?: (line: string) => void } = {},
): Promise<{ loss: number[]; accuracy: number[] }> {
  setSeed(0);
  const print = options.print ?? console.log;
  const iris = await datasets.iris();
  const scaler = datasets.standardize(iris.x);
  const x = scaler.transform(iris.x);
  const trainDataset = Dataset.fromArrays(x, iris.y).shuffle(150, { seed: 1 }).batch(32);
  const model = new Sequential([
    new layers.Dense(10, { activation: "relu", inputShape: [4] }),
    new layers.Dense(10, { activation: "relu" }),
    new layers.Dense(3),
  ]);
  const lossObject = new losses.SparseCategoricalCrossentropy({ fromLogits: true });
  const optimizer = new optimizers.SGD({ learningRate: 0.01 });
  const trainLossResults: number[] = [];
  const trainAccuracyResults: number[] = [];

  const numEpochs = options.numEpochs ?? 201;
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    const epochLossAvg = new metrics.Mean();
    const epochAccuracy = new metrics.SparseCategoricalAccuracy();
    for (const [inputs, target] of trainDataset) {
      tf.tidy(() => {
        // Optimize the model
        const { value, grads } = gradients(
          () => lossObject.apply(target, model.apply(inputs, { training: true })),
          model.trainableWeights,
        );
        optimizer.applyGradients(grads, model.trainableWeights);
        // Track progress
        epochLossAvg.updateState(value);
        epochAccuracy.updateState(target, model.apply(inputs, { training: true }));
      });
    }
    trainLossResults.push(epochLossAvg.result());
    trainAccuracyResults.push(epochAccuracy.result());
    if (epoch % 50 === 0) {
      print(
        `Epoch ${String(epoch).padStart(3, "0")}: Loss: ${
          epochLossAvg.result().toFixed(3)
        }, Accuracy: ${(100 * epochAccuracy.result()).toFixed(3)}%`,
      );
    }
  }
  tf.dispose([iris.x, iris.y, x]);
  model.dispose();
  optimizer.dispose();
  return { loss: trainLossResults, accuracy: trainAccuracyResults };
}

if (import.meta.main) await main();
