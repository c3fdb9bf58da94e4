/**
 * The lesson's three gradient-descent variants — batch, stochastic and
 * mini-batch — are one argument of `fit`: `batchSize` ≥ the number of
 * samples is batch gradient descent (one update per epoch), `1` is
 * stochastic gradient descent (one update per sample), anything between is
 * mini-batch. This trains the same network from the same initial weights
 * with plain SGD all three ways on the iris data.
 *
 * Run: `deno run -A examples/gradient_descent_variants.ts`
 *
 * @module
 */
import { datasets, layers, optimizers, Sequential, setSeed, tf } from "../mod.ts";

/** Final training loss and updates per epoch of each variant. */
export interface VariantResult {
  name: "batch" | "stochastic" | "mini-batch";
  batchSize: number;
  updatesPerEpoch: number;
  loss: number[];
}

/**
 * Trains the three variants.
 *
 * @param options Epochs and learning rate.
 * @returns One result per variant.
 */
export async function main(
  options: { epochs?: number; learningRate?: number; print?: (line: string) => void } = {},
): Promise<VariantResult[]> {
  const print = options.print ?? console.log;
  const iris = await datasets.iris();
  const x = datasets.standardize(iris.x).transform(iris.x);
  const n = x.shape[0];
  setSeed(7);
  const reference = new Sequential([
    new layers.Dense(8, { activation: "tanh", inputShape: [4] }),
    new layers.Dense(3, { activation: "softmax" }),
  ]);
  const initial = reference.getWeights();
  const results: VariantResult[] = [];
  for (const [name, batchSize] of [["batch", n], ["stochastic", 1], ["mini-batch", 16]] as const) {
    const model = new Sequential([
      new layers.Dense(8, { activation: "tanh", inputShape: [4] }),
      new layers.Dense(3, { activation: "softmax" }),
    ]);
    model.setWeights(initial); // same start for every variant
    model.compile({
      optimizer: new optimizers.SGD({ learningRate: options.learningRate ?? 0.05 }),
      loss: "sparse_categorical_crossentropy",
    });
    setSeed(1);
    const history = await model.fit(x, iris.y, {
      batchSize,
      epochs: options.epochs ?? 20,
      verbose: 0,
    });
    const loss = history.history.loss;
    results.push({ name, batchSize, updatesPerEpoch: Math.ceil(n / batchSize), loss });
    print(
      `${name.padEnd(10)} batchSize ${String(batchSize).padStart(3)}: ${
        String(Math.ceil(n / batchSize)).padStart(3)
      } updates/epoch, loss ${loss[0].toFixed(4)} → ${loss[loss.length - 1].toFixed(4)}`,
    );
    model.dispose();
  }
  tf.dispose([iris.x, iris.y, x, ...initial]);
  reference.dispose();
  return results;
}

if (import.meta.main) await main();
