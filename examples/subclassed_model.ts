/**
 * The lesson's "Tensorflow subclassing" listing in kerno: an Embedding over
 * 42 tokens with `maskZero`, Flatten, Dense 128 relu, Dense 1 sigmoid —
 * trained with the lesson's "Tensorflow training (1)" listing:
 * `compile(binary_crossentropy, Adam, accuracy)` then
 * `fit(batchSize 32, epochs 5, verbose 2, validationSplit 0.2)`.
 *
 * Run: `deno run -A examples/subclassed_model.ts`
 *
 * @module
 */
import { datasets, layers, Model, setSeed, tf } from "../mod.ts";

/** The lesson's `Subclass_Model`. */
export class SubclassModel extends Model {
  embeddingLayer = new layers.Embedding(20000, 50, { inputLength: 42, maskZero: true });
  flattenLayer = new layers.Flatten();
  fc1Layer = new layers.Dense(128, { activation: "relu" });
  fc2Layer = new layers.Dense(1, { activation: "sigmoid" });

  override call(inputs: tf.Tensor): tf.Tensor {
    let x = this.embeddingLayer.apply(inputs);
    x = this.flattenLayer.apply(x);
    x = this.fc1Layer.apply(x);
    return this.fc2Layer.apply(x);
  }
}

/**
 * Trains the model on the synthetic token task.
 *
 * @param options Epochs and samples (small for tests).
 * @returns The last validation accuracy.
 */
export async function main(
  options: { epochs?: number; samples?: number; verbose?: 0 | 2 } = {},
): Promise<number> {
  setSeed(1);
  const { x, y } = datasets.tokenTask({ samples: options.samples ?? 2000, seed: 1 });
  const model = new SubclassModel();
  model.compile({ loss: "binary_crossentropy", optimizer: "Adam", metrics: ["accuracy"] });
  const history = await model.fit(x, y, {
    batchSize: 32,
    epochs: options.epochs ?? 5,
    verbose: options.verbose ?? 2,
    validationSplit: 0.2,
  });
  tf.dispose([x, y]);
  model.dispose();
  const acc = history.history.val_accuracy;
  return acc[acc.length - 1];
}

if (import.meta.main) {
  const accuracy = await main();
  console.log(`validation accuracy: ${accuracy.toFixed(4)}`);
}
