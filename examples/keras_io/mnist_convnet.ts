/**
 * keras.io "Simple MNIST convnet", ported to kerno. MNIST is replaced by
 * the bundled 8×8 digits (1,797 images, 10 classes), so the network is
 * scaled down: two 3×3 convolutions with 2×2 max pooling, dropout and a
 * softmax layer; one-hot targets from `utils.toCategorical` with
 * `categorical_crossentropy`, as the original.
 *
 * Run: `deno run -A examples/keras_io/mnist_convnet.ts`
 *
 * @module
 */
import { datasets, layers, Sequential, setSeed, tf, utils } from "../../mod.ts";

/**
 * Trains and evaluates the convnet.
 *
 * @param options Epochs and verbosity.
 * @returns The test loss and accuracy.
 */
export async function main(
  options: { epochs?: number; verbose?: 0 | 1 | 2 } = {},
): Promise<{ loss: number; accuracy: number }> {
  setSeed(1);
  const numClasses = 10;
  const digits = await datasets.digits();
  const split = datasets.trainTestSplit(digits.x, digits.y, { testSize: 0.2, seed: 1 });
  // Scale images to the [0, 1] range and give them a channel axis.
  const prepare = (x: tf.Tensor) => tf.tidy(() => tf.reshape(tf.div(x, 16), [-1, 8, 8, 1]));
  const xTrain = prepare(split.xTrain);
  const xTest = prepare(split.xTest);
  // Convert class vectors to binary class matrices.
  const yTrain = utils.toCategorical(split.yTrain, numClasses);
  const yTest = utils.toCategorical(split.yTest, numClasses);

  const model = new Sequential([
    new layers.Conv2D(32, [3, 3], { activation: "relu", padding: "same", inputShape: [8, 8, 1] }),
    new layers.MaxPooling2D([2, 2]),
    new layers.Conv2D(64, [3, 3], { activation: "relu", padding: "same" }),
    new layers.MaxPooling2D([2, 2]),
    new layers.Flatten(),
    new layers.Dropout(0.5),
    new layers.Dense(numClasses, { activation: "softmax" }),
  ]);
  model.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  await model.fit(xTrain, yTrain, {
    batchSize: 64,
    epochs: options.epochs ?? 15,
    validationSplit: 0.1,
    verbose: options.verbose ?? 2,
  });
  const score = await model.evaluate(xTest, yTest, { verbose: 0 });
  tf.dispose([xTrain, xTest, yTrain, yTest, split.xTrain, split.xTest, split.yTrain, split.yTest]);
  tf.dispose([digits.x, digits.y]);
  model.dispose();
  return { loss: score.loss as number, accuracy: score.accuracy as number };
}

if (import.meta.main) {
  const { loss, accuracy } = await main();
  console.log(`Test loss: ${loss.toFixed(4)}`);
  console.log(`Test accuracy: ${accuracy.toFixed(4)}`);
}
