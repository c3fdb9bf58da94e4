/**
 * The lesson's "Pytorch training" listing in kerno: a `Dataset` as the data
 * loader, BCE loss, Adam with lr 0.001, a list of batch losses, and accuracy
 * counted by hand — on the bundled breast-cancer data.
 *
 * Run: `deno run -A examples/pytorch_style_loop.ts`
 *
 * @module
 */
import {
  Dataset,
  datasets,
  gradients,
  layers,
  losses,
  optimizers,
  Sequential,
  setSeed,
  tf,
} from "../mod.ts";

/**
 * Trains for a few epochs with a PyTorch-style loop.
 *
 * @param options Epochs and batch size.
 * @returns The batch losses and each epoch's accuracy (in %).
 */
export async function main(
  options: { epochs?: number; batchSize?: number; print?: (line: string) => void } = {},
): Promise<{ batchLosses: number[]; accuracy: number[] }> {
  setSeed(0);
  const print = options.print ?? console.log;
  const data = await datasets.breastCancer();
  const x = datasets.standardize(data.x).transform(data.x);
  const labels = tf.tidy(() => tf.reshape(tf.cast(data.y, "float32"), [-1, 1]));
  // define dataset and dataloader objects
  const dataloader = Dataset.fromArrays(x, labels).shuffle(1024).batch(options.batchSize ?? 32);
  const model = new Sequential([
    new layers.Dense(16, { activation: "relu", inputShape: [data.featureNames.length] }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  // define the loss fn and optimizer
  const criterion = new losses.BinaryCrossentropy();
  const optimizer = new optimizers.Adam({ learningRate: 0.001 });
  // initialize empty list to track batch losses
  const batchLosses: number[] = [];
  const accuracy: number[] = [];

  // train the neural network for 5 epochs
  for (let epoch = 0; epoch < (options.epochs ?? 5); epoch++) {
    let correct = 0;
    let total = 0;
    for (const [inputs, target] of dataloader) {
      tf.tidy(() => {
        let out: tf.Tensor | null = null;
        // forward propagation, loss, backpropagation
        const { value: loss, grads } = gradients(() => {
          out = tf.keep(model.apply(inputs, { training: true }));
          return criterion.apply(target, out);
        }, model.trainableWeights);
        // update the parameters
        optimizer.applyGradients(grads, model.trainableWeights);
        // track batch loss
        batchLosses.push(loss.dataSync()[0]);
        // calculate the accuracy
        const predicted = tf.greater(out!, 0.5);
        correct +=
          tf.sum(tf.cast(tf.equal(predicted, tf.cast(target, "bool")), "int32")).dataSync()[0];
        total += target.shape[0];
        out!.dispose();
      });
    }
    accuracy.push((correct / total) * 100.0);
    print(`epoch ${epoch + 1}: accuracy ${accuracy[accuracy.length - 1].toFixed(2)}%`);
  }
  tf.dispose([data.x, data.y, x, labels]);
  model.dispose();
  optimizer.dispose();
  return { batchLosses, accuracy };
}

if (import.meta.main) await main();
