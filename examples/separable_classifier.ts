/**
 * A depthwise-separable convolutional classifier (MobileNet's building
 * blocks) on the bundled 8×8 digits: `DepthwiseConv2D` with a depth
 * multiplier of 16 on the one grey channel (16 learned 3×3 filters of it),
 * two `SeparableConv2D` blocks (a 3×3 depthwise step per channel, then a
 * 1×1 pointwise product mixing the channels) around a 2×2 max pooling, then
 * `Flatten` and a softmax: 13,498 parameters, where the same network with
 * plain `Conv2D`s would have 33,546 (the convolutions alone: 3,248 against
 * 23,296).
 *
 * Run: `deno run -A examples/separable_classifier.ts`: 0.9806 test accuracy
 * after the default 20 epochs (about 3 s on two cores with kerno's BLAS
 * backend; its depthwise convolution runs as SIMD WebAssembly).
 *
 * @module
 */
import { datasets, Input, layers, Model, optimizers, setSeed, tf } from "../mod.ts";

/**
 * Builds the classifier.
 *
 * @param numClasses Output classes.
 * @returns The (uncompiled) functional model.
 */
export function separableClassifier(numClasses = 10): Model {
  const inputs = Input({ shape: [8, 8, 1], name: "digits" });
  let x = new layers.DepthwiseConv2D(3, {
    depthMultiplier: 16,
    padding: "same",
    activation: "relu",
    name: "stem",
  }).apply(inputs);
  x = new layers.SeparableConv2D(32, 3, { padding: "same", activation: "relu", name: "sep1" })
    .apply(x);
  x = new layers.MaxPooling2D({ poolSize: 2, name: "pool" }).apply(x);
  x = new layers.SeparableConv2D(64, 3, { padding: "same", activation: "relu", name: "sep2" })
    .apply(x);
  x = new layers.Flatten({ name: "flatten" }).apply(x);
  const outputs = new layers.Dense(numClasses, { activation: "softmax", name: "classes" })
    .apply(x);
  return new Model({ inputs, outputs, name: "separable_classifier" });
}

/**
 * Trains the classifier on 80% of the digits and evaluates it on the rest.
 *
 * @param options Epochs and verbosity.
 * @returns The test loss and accuracy, and the model's parameter count.
 */
export async function main(
  options: { epochs?: number; verbose?: 0 | 1 | 2 } = {},
): Promise<{ loss: number; accuracy: number; params: number }> {
  setSeed(5);
  const digits = await datasets.digits();
  const split = datasets.trainTestSplit(digits.x, digits.y, { testSize: 0.2, seed: 5 });
  // Pixels 0..16 → 0..1, with a channel axis.
  const prepare = (x: tf.Tensor) => tf.tidy(() => tf.reshape(tf.div(x, 16), [-1, 8, 8, 1]));
  const xTrain = prepare(split.xTrain);
  const xTest = prepare(split.xTest);
  const model = separableClassifier();
  model.compile({
    optimizer: new optimizers.Adam({ learningRate: 0.003 }),
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  await model.fit(xTrain, split.yTrain, {
    batchSize: 32,
    epochs: options.epochs ?? 20,
    verbose: options.verbose ?? 2,
  });
  const score = await model.evaluate(xTest, split.yTest, { verbose: 0 });
  const params = model.countParams();
  tf.dispose([xTrain, xTest, split.xTrain, split.xTest, split.yTrain, split.yTest]);
  tf.dispose([digits.x, digits.y]);
  model.dispose();
  return { loss: score.loss as number, accuracy: score.accuracy as number, params };
}

if (import.meta.main) {
  const { loss, accuracy, params } = await main();
  console.log(`Parameters: ${params}`);
  console.log(`Test loss: ${loss.toFixed(4)}`);
  console.log(`Test accuracy: ${accuracy.toFixed(4)}`);
}
