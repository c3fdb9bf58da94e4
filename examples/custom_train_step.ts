/**
 * Your own step inside `fit` (Keras's "customizing what happens in fit"):
 *
 * 1. A model that overrides `trainStep` with `gradients`, `computeLoss`,
 *    `metrics` and `optimizer`, trained by `fit` with a validation split,
 *    callbacks and History as usual (a noisy linear regression).
 * 2. A GAN-style model whose `compile` takes its own arguments (two
 *    optimizers and a loss function) and whose `trainStep` trains a
 *    discriminator and a generator in turn, on a toy 1-D distribution
 *    (samples of N(3, 0.5) from noise).
 *
 * Run: `deno run -A examples/custom_train_step.ts`
 *
 * @module
 */
import {
  gradients,
  layers,
  losses,
  metrics,
  Model,
  optimizers,
  Sequential,
  setSeed,
  tf,
} from "../mod.ts";

/** A model whose training step is its own; `fit` calls it for every batch. */
export class MyModel extends Model {
  /** The hidden layer. */
  hidden: layers.Dense = new layers.Dense(16, { activation: "relu" });
  /** The output layer. */
  out: layers.Dense = new layers.Dense(1);

  /**
   * The forward pass.
   *
   * @param x The inputs.
   * @returns The predictions.
   */
  override call(x: tf.Tensor): tf.Tensor {
    return this.out.apply(this.hidden.apply(x));
  }

  /**
   * One step: the forward pass and the loss under `gradients`, the update,
   * the metrics (`yPred` is still valid here: the step's tensors live until it ends).
   *
   * @param data `[x, y]`.
   * @returns The metrics' results.
   */
  override trainStep([x, y]: [tf.Tensor, tf.Tensor]): Record<string, number | number[]> {
    let yPred!: tf.Tensor;
    const { value: loss, grads } = gradients(() => {
      yPred = this.apply(x, { training: true }) as tf.Tensor;
      return this.computeLoss({ x, y, yPred });
    }, this.trainableWeights);
    this.optimizer.applyGradients(grads, this.trainableWeights);
    for (const m of this.metrics) m.name === "loss" ? m.updateState(loss) : m.updateState(y, yPred);
    return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
  }
}

/** What {@link GAN}'s `compile` takes. */
export interface GANCompileOptions {
  /** Updates the discriminator. */
  dOptimizer: optimizers.Optimizer;
  /** Updates the generator. */
  gOptimizer: optimizers.Optimizer;
  /** The loss of both (binary cross-entropy on "fake" = 1, "real" = 0). */
  lossFn: losses.Loss;
}

/** A generator and a discriminator trained against each other by `fit`. */
export class GAN extends Model {
  /** Set by `compile`. */
  dOptimizer!: optimizers.Optimizer;
  /** Set by `compile`. */
  gOptimizer!: optimizers.Optimizer;
  /** Set by `compile`. */
  lossFn!: losses.Loss;
  /** The discriminator's loss, averaged over the epoch. */
  dLossTracker: metrics.Mean = new metrics.Mean({ name: "d_loss" });
  /** The generator's loss, averaged over the epoch. */
  gLossTracker: metrics.Mean = new metrics.Mean({ name: "g_loss" });

  /**
   * @param discriminator Scores a sample: 1 fake, 0 real.
   * @param generator Maps noise to a sample.
   * @param latentDim The size of the noise.
   */
  constructor(
    readonly discriminator: Sequential,
    readonly generator: Sequential,
    readonly latentDim: number,
  ) {
    super();
  }

  /**
   * Takes the GAN's own settings, as Keras's GAN example does.
   *
   * @param options The two optimizers and the loss.
   */
  override compile({ dOptimizer, gOptimizer, lossFn }: GANCompileOptions): void {
    super.compile();
    this.dOptimizer = dOptimizer;
    this.gOptimizer = gOptimizer;
    this.lossFn = lossFn;
  }

  /** Frees the weights and both optimizers' state. */
  override dispose(): void {
    super.dispose();
    this.dOptimizer?.dispose();
    this.gOptimizer?.dispose();
  }

  /**
   * The trackers `fit` resets at every epoch and logs.
   *
   * @returns `d_loss` and `g_loss`.
   */
  override get metrics(): metrics.Mean[] {
    return [this.dLossTracker, this.gLossTracker];
  }

  /**
   * One step: the discriminator on fakes and reals, then the generator
   * through the (fixed) discriminator, with "real" labels for its fakes.
   *
   * @param real A batch of real samples (`fit` was given no targets).
   * @returns Both losses.
   */
  override trainStep(real: tf.Tensor): Record<string, number> {
    const n = real.shape[0];
    const fake = this.generator.apply(tf.randomNormal([n, this.latentDim]));
    const combined = tf.concat([fake, real], 0);
    const labels = tf.concat([tf.ones([n, 1]), tf.zeros([n, 1])], 0);
    const d = gradients(
      () => this.lossFn.apply(labels, this.discriminator.apply(combined, { training: true })),
      this.discriminator.trainableWeights,
    );
    this.dOptimizer.applyGradients(d.grads, this.discriminator.trainableWeights);

    const noise = tf.randomNormal([n, this.latentDim]);
    const misleading = tf.zeros([n, 1]); // "real"
    const g = gradients(
      () =>
        this.lossFn.apply(
          misleading,
          this.discriminator.apply(this.generator.apply(noise, { training: true })),
        ),
      this.generator.trainableWeights,
    );
    this.gOptimizer.applyGradients(g.grads, this.generator.trainableWeights);

    this.dLossTracker.updateState(d.value);
    this.gLossTracker.updateState(g.value);
    return { d_loss: this.dLossTracker.result(), g_loss: this.gLossTracker.result() };
  }
}

/** What {@link main} returns. */
export interface CustomTrainStepResult {
  /** The regression's training loss per epoch. */
  loss: number[];
  /** Its validation loss per epoch. */
  valLoss: number[];
  /** Its training mean absolute error per epoch. */
  mae: number[];
  /** The GAN's discriminator loss per epoch. */
  dLoss: number[];
  /** The GAN's generator loss per epoch. */
  gLoss: number[];
  /** The mean of 1000 generated samples after training (the real mean is 3). */
  generatedMean: number;
}

/**
 * Trains both models.
 *
 * @param options Epochs of each part, and where lines go.
 * @returns The per-epoch losses and the generated samples' mean.
 */
export async function main(
  options: { epochs?: number; ganEpochs?: number; print?: (line: string) => void } = {},
): Promise<CustomTrainStepResult> {
  setSeed(0);
  const print = options.print ?? console.log;

  // 1. Your own trainStep, with the compiled loss and metrics.
  const x = tf.randomUniform([512, 3], -1, 1, "float32", 1);
  const y = tf.tidy(() =>
    tf.add(
      tf.sum(tf.mul(x, tf.tensor1d([1.5, -2, 0.5])), 1, true),
      tf.randomNormal([512, 1], 0, 0.05, "float32", 2),
    )
  );
  const model = new MyModel();
  model.compile({
    optimizer: new optimizers.Adam({ learningRate: 0.01 }),
    loss: "mse",
    metrics: ["mae"],
  });
  const history = await model.fit(x, y, {
    epochs: options.epochs ?? 20,
    batchSize: 32,
    validationSplit: 0.2,
    verbose: 0,
  });
  const h = history.history;
  const last = h.loss.length - 1;
  print(
    `own trainStep: loss ${h.loss[0].toFixed(4)} -> ${h.loss[last].toFixed(4)}, val_loss ${
      h.val_loss[last].toFixed(4)
    }`,
  );
  tf.dispose([x, y]);
  model.dispose();

  // 2. A GAN-style compile with two optimizers, on a toy 1-D distribution.
  const latentDim = 4;
  const discriminator = new Sequential([
    new layers.Dense(16, { activation: "relu", inputShape: [1] }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  const generator = new Sequential([
    new layers.Dense(16, { activation: "relu", inputShape: [latentDim] }),
    new layers.Dense(1),
  ]);
  const gan = new GAN(discriminator, generator, latentDim);
  gan.compile({
    dOptimizer: new optimizers.Adam({ learningRate: 0.003 }),
    gOptimizer: new optimizers.Adam({ learningRate: 0.003 }),
    lossFn: new losses.BinaryCrossentropy(),
  });
  const real = tf.randomNormal([1024, 1], 3, 0.5, "float32", 3);
  const ganHistory = await gan.fit(real, undefined, {
    epochs: options.ganEpochs ?? 30,
    batchSize: 64,
    verbose: 0,
  });
  const generatedMean = tf.tidy(() =>
    tf.mean(generator.apply(tf.randomNormal([1000, latentDim], 0, 1, "float32", 4))).dataSync()[0]
  );
  const g = ganHistory.history;
  print(
    `GAN: d_loss ${g.d_loss[g.d_loss.length - 1].toFixed(3)}, g_loss ${
      g.g_loss[g.g_loss.length - 1].toFixed(3)
    }, generated mean ${generatedMean.toFixed(2)} (real: 3)`,
  );
  real.dispose();
  gan.dispose();
  return {
    loss: h.loss,
    valLoss: h.val_loss,
    mae: h.mae,
    dLoss: g.d_loss,
    gLoss: g.g_loss,
    generatedMean,
  };
}

if (import.meta.main) await main();
