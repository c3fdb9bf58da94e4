/**
 * keras.io "Simple custom layer example: Antirectifier", ported to kerno: a
 * layer with its own weight (Keras-style `addWeight({ shape, initializer,
 * name, trainable })`), a `getConfig` that serializes its initializer, and
 * a model that is saved and loaded again. The bundled 8×8 digits stand in
 * for MNIST.
 *
 * Run: `deno run -A examples/keras_io/antirectifier.ts`
 *
 * @module
 */
import {
  datasets,
  initializers,
  Layer,
  type LayerOptions,
  layers,
  loadModel,
  losses,
  metrics,
  optimizers,
  registerSerializable,
  Sequential,
  setSeed,
  type Shape,
  tf,
} from "../../mod.ts";

/** Options of {@link Antirectifier}. */
export interface AntirectifierOptions extends LayerOptions {
  /** Initializer of the kernel. @default "he_normal" */
  initializer?: initializers.InitializerLike;
}

/**
 * The concatenation of the positive and the negative part of the centred
 * input, mixed back to the input's width by a learned kernel.
 */
export class Antirectifier extends Layer {
  /** The kernel's initializer. */
  readonly initializer: initializers.Initializer;
  /** The mixing kernel, `[2·width, width]`. */
  kernel: tf.Variable | null = null;

  /**
   * Creates the layer.
   *
   * @param options The initializer and the base options.
   */
  constructor(options: AntirectifierOptions = {}) {
    const { initializer = "he_normal", ...rest } = options;
    super(rest);
    this.initializer = initializers.getInitializer(initializer);
  }

  /** Creates the kernel. */
  override build(inputShape: Shape): void {
    const outputDim = inputShape[inputShape.length - 1] as number;
    this.kernel = this.addWeight({
      shape: [outputDim * 2, outputDim],
      initializer: this.initializer,
      name: "kernel",
      trainable: true,
    });
  }

  /** Centres, splits into positive and negative parts, and mixes. */
  override call(inputs: tf.Tensor): tf.Tensor {
    const centred = tf.sub(inputs, tf.mean(inputs, -1, true));
    const pos = tf.relu(centred);
    const neg = tf.relu(tf.neg(centred));
    const concatenated = tf.concat([pos, neg], -1);
    return tf.matMul(concatenated as tf.Tensor2D, this.kernel as tf.Tensor2D);
  }

  /** The base config plus the serialized initializer. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initializer: initializers.serialize(this.initializer) };
  }
}
registerSerializable(Antirectifier, { package: "Examples" });

/**
 * Trains the model of the original example, saves it, loads it back and
 * evaluates both.
 *
 * @param options Epochs, verbosity and where to save.
 * @returns The test accuracy before saving and after loading.
 */
export async function main(
  options: { epochs?: number; verbose?: 0 | 1 | 2; dir?: string } = {},
): Promise<{ accuracy: number; reloadedAccuracy: number }> {
  setSeed(5);
  const digits = await datasets.digits();
  const split = datasets.trainTestSplit(digits.x, digits.y, { testSize: 0.2, seed: 5 });
  const [xTrain, xTest] = [tf.div(split.xTrain, 16), tf.div(split.xTest, 16)];

  const model = new Sequential([
    new layers.Dense(256, { inputShape: [64] }),
    new Antirectifier(),
    new layers.Dense(256),
    new Antirectifier(),
    new layers.Dropout(0.5),
    new layers.Dense(10),
  ]);
  model.compile({
    loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }),
    optimizer: new optimizers.RMSprop(),
    metrics: [new metrics.SparseCategoricalAccuracy()],
  });
  await model.fit(xTrain, split.yTrain, {
    batchSize: 128,
    epochs: options.epochs ?? 20,
    validationSplit: 0.15,
    verbose: options.verbose ?? 2,
  });
  const score = await model.evaluate(xTest, split.yTest, { verbose: 0 });

  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "antirectifier" });
  await model.save(`${dir}/antirectifier.keras`);
  const reloaded = await loadModel(`${dir}/antirectifier.keras`);
  const again = await reloaded.evaluate(xTest, split.yTest, { verbose: 0 });
  if (options.dir === undefined) await Deno.remove(dir, { recursive: true });

  tf.dispose([xTrain, xTest, split.xTrain, split.xTest, split.yTrain, split.yTest]);
  tf.dispose([digits.x, digits.y]);
  model.dispose();
  reloaded.dispose();
  return {
    accuracy: score.sparse_categorical_accuracy as number,
    reloadedAccuracy: again.sparse_categorical_accuracy as number,
  };
}

if (import.meta.main) {
  const { accuracy, reloadedAccuracy } = await main();
  console.log(
    `test accuracy: ${accuracy.toFixed(4)}; after saving and loading: ${
      reloadedAccuracy.toFixed(4)
    }`,
  );
}
