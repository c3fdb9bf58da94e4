/**
 * keras.io "Customizing the convolution operation of a Conv2D layer",
 * ported to kerno: weight standardization written two ways, by overriding
 * `convolutionOp(inputs, kernel)` (Keras's `convolution_op`) and by
 * overriding `call`. The bundled 8×8 digits stand in for MNIST.
 *
 * Whichever way the convolution is changed, `fit`, `evaluate` and `predict`
 * all compute it, on every backend: the final epoch's `val_loss` equals the
 * loss `evaluate` reports on the same data with the same weights.
 *
 * Run: `deno run -A examples/keras_io/subclassing_conv_layers.ts`
 *
 * @module
 */
import { datasets, layers, Sequential, setSeed, tf, utils } from "../../mod.ts";

/** The kernel minus its mean over the window and input channels, over its standard deviation. */
function standardize(kernel: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(kernel, [0, 1, 2], true);
  return tf.div(tf.sub(kernel, mean), tf.sqrt(tf.add(variance, 1e-10)));
}

/** Weight standardization by overriding the convolution itself. */
export class StandardizedConv2DWithOverride extends layers.Conv2D {
  /** Convolves with the standardized kernel. */
  override convolutionOp(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return super.convolutionOp(inputs, standardize(kernel));
  }
}

/** Weight standardization by overriding `call` (as the original: no activation applied). */
export class StandardizedConv2DWithCall extends layers.Conv2D {
  /** The standardized convolution plus the bias. */
  override call(inputs: tf.Tensor): tf.Tensor {
    const result = this.convolutionOp(inputs, standardize(this.kernel!));
    return this.bias === null ? result : tf.add(result, this.bias);
  }
}

/**
 * Trains the model of the original example.
 *
 * @param options Epochs and verbosity.
 * @returns The last epoch's `val_loss` and `evaluate`'s loss on the same data.
 */
export async function main(
  options: { epochs?: number; verbose?: 0 | 1 | 2 } = {},
): Promise<{ valLoss: number; evaluateLoss: number; valAccuracy: number }> {
  setSeed(3);
  const digits = await datasets.digits();
  const split = datasets.trainTestSplit(digits.x, digits.y, { testSize: 0.2, seed: 3 });
  const prepare = (x: tf.Tensor) => tf.tidy(() => tf.reshape(tf.div(x, 16), [-1, 8, 8, 1]));
  const [xTrain, xVal] = [prepare(split.xTrain), prepare(split.xTest)];
  const [yTrain, yVal] = [
    utils.toCategorical(split.yTrain, 10),
    utils.toCategorical(split.yTest, 10),
  ];

  const model = new Sequential([
    new StandardizedConv2DWithCall(32, [3, 3], { activation: "relu", inputShape: [8, 8, 1] }),
    new layers.MaxPooling2D([2, 2]),
    new StandardizedConv2DWithOverride(64, [2, 2], { activation: "relu" }),
    new layers.MaxPooling2D([2, 2]),
    new layers.Flatten(),
    new layers.Dropout(0.5),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
  model.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const history = await model.fit(xTrain, yTrain, {
    batchSize: 64,
    epochs: options.epochs ?? 5,
    validationData: [xVal, yVal],
    verbose: options.verbose ?? 2,
  });
  const last = (key: string) => history.history[key][history.history[key].length - 1];
  const score = await model.evaluate(xVal, yVal, { verbose: 0 });
  tf.dispose([xTrain, xVal, yTrain, yVal, split.xTrain, split.xTest, split.yTrain, split.yTest]);
  tf.dispose([digits.x, digits.y]);
  model.dispose();
  return {
    valLoss: last("val_loss"),
    evaluateLoss: score.loss as number,
    valAccuracy: last("val_accuracy"),
  };
}

if (import.meta.main) {
  const { valLoss, evaluateLoss } = await main();
  console.log(`val_loss after the last epoch: ${valLoss.toFixed(4)}`);
  console.log(`evaluate on the same data:     ${evaluateLoss.toFixed(4)}`);
}
