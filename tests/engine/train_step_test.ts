import assert from "node:assert/strict";
import {
  callbacks,
  gradients,
  layers,
  losses,
  metrics,
  Model,
  optimizers,
  Sequential,
  setSeed,
  tf,
} from "../../mod.ts";
import type { Optimizer } from "../../optimizers/mod.ts";

/** The override as issue 12 writes it. */
class MyModel extends Model {
  hidden = new layers.Dense(16, { activation: "relu" });
  out = new layers.Dense(1);
  steps = 0;
  override call(x: tf.Tensor): tf.Tensor {
    return this.out.apply(this.hidden.apply(x));
  }
  override trainStep([x, y]: [tf.Tensor, tf.Tensor]) {
    this.steps++;
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

function regression(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const x = tf.randomUniform([n, 3], -1, 1, "float32", seed);
  const y = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([1, -2, 0.5])), 1, true));
  return [x, y];
}

Deno.test("trainStep override as written trains through fit: History, callbacks, validation, no leaks", async () => {
  setSeed(1);
  const [x, y] = regression(96, 1);
  const model = new MyModel();
  model.compile({
    optimizer: new optimizers.Adam({ learningRate: 0.02 }),
    loss: "mse",
    metrics: ["mae"],
  });
  const seen: string[] = [];
  const counts: number[] = [];
  const spy = new callbacks.LambdaCallback({
    onTrainBatchEnd: (_b, logs) => {
      if (seen.length === 0) seen.push(...Object.keys(logs ?? {}));
    },
    onEpochEnd: () => {
      counts.push(tf.memory().numTensors);
    },
  });
  const history = await model.fit(x, y, {
    epochs: 8,
    batchSize: 16,
    validationSplit: 0.25,
    callbacks: [spy],
    verbose: 0,
  });
  const names = model.metrics.map((m) => m.name);
  assert.equal(names[0], "loss");
  assert.equal(names.length, 2);
  assert.deepEqual(seen.sort(), [...names].sort());
  assert.deepEqual(
    Object.keys(history.history).sort(),
    [...names, ...names.map((n) => `val_${n}`), "learning_rate"].sort(),
  );
  const loss = history.history.loss;
  assert.ok(loss[loss.length - 1] < loss[0] / 2, `loss fell: ${loss}`);
  assert.equal(model.steps, 8 * 5); // 72 training samples, batches of 16
  for (const v of history.history.val_loss) assert.ok(Number.isFinite(v));
  assert.ok(counts.slice(1).every((c) => c === counts[1]), `numTensors flat: ${counts}`);
  // trainOnBatch runs the override too.
  const before = model.steps;
  const logs = model.trainOnBatch(tf.ones([4, 3]), tf.ones([4, 1]));
  assert.equal(model.steps, before + 1);
  assert.ok(Number.isFinite(logs.loss));
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("a classification override logs the compiled accuracy and keeps numTensors flat", async () => {
  setSeed(2);
  const x = tf.randomNormal([64, 2], 0, 1, "float32", 2);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1, true), 0), "float32"));
  class Classifier extends MyModel {
    override out = new layers.Dense(1, { activation: "sigmoid" });
  }
  const model = new Classifier();
  model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
  await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 }); // warm up (optimizer slots)
  const start = tf.memory().numTensors;
  const history = await model.fit(x, y, { epochs: 4, batchSize: 16, verbose: 0 });
  assert.equal(tf.memory().numTensors, start);
  assert.deepEqual(Object.keys(history.history).sort(), ["accuracy", "learning_rate", "loss"]);
  const evaluated = await model.evaluate(x, y); // the default testStep
  assert.deepEqual(Object.keys(evaluated).sort(), ["accuracy", "loss"]);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("the lower-level example: own trackers through the metrics getter, no compiled loss, reset per epoch", async () => {
  setSeed(3);
  const [x, y] = regression(64, 3);
  class CustomModel extends Model {
    dense = new layers.Dense(1);
    lossTracker = new metrics.Mean({ name: "loss" });
    maeMetric = new metrics.MeanAbsoluteError({ name: "mae" });
    override call(inputs: tf.Tensor): tf.Tensor {
      return this.dense.apply(inputs);
    }
    override trainStep(data: [tf.Tensor, tf.Tensor]) {
      const [xb, yb] = data;
      let yPred!: tf.Tensor;
      const { value, grads } = gradients(() => {
        yPred = this.apply(xb, { training: true });
        return tf.mean(tf.square(tf.sub(yb, yPred)));
      }, this.trainableWeights);
      this.optimizer.applyGradients(grads, this.trainableWeights);
      this.lossTracker.updateState(value);
      this.maeMetric.updateState(yb, yPred);
      return { loss: this.lossTracker.result(), mae: this.maeMetric.result() };
    }
    override get metrics() {
      return [this.lossTracker, this.maeMetric];
    }
  }
  const model = new CustomModel();
  model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }) });
  const atEpochBegin: number[] = [];
  const spy = new callbacks.LambdaCallback({
    onEpochBegin: () => {
      atEpochBegin.push(model.lossTracker.result() + model.maeMetric.result());
    },
  });
  const history = await model.fit(x, y, { epochs: 5, batchSize: 16, callbacks: [spy], verbose: 0 });
  assert.deepEqual(atEpochBegin, [0, 0, 0, 0, 0]);
  assert.deepEqual(Object.keys(history.history).sort(), ["learning_rate", "loss", "mae"]);
  const loss = history.history.loss;
  assert.ok(loss[4] < loss[0], `loss fell: ${loss}`);
  // The epoch logs are the trackers' results: the mean over the epoch.
  assert.equal(loss[4], model.lossTracker.result());
  // The default testStep needs a compiled loss: a clear error.
  await assert.rejects(() => model.evaluate(x, y), /compiled without a loss/);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("testStep override is what evaluate and fit's validation run", async () => {
  setSeed(4);
  const [x, y] = regression(40, 4);
  class Evaluated extends Model {
    dense = new layers.Dense(1);
    tested = 0;
    maeTracker = new metrics.Mean({ name: "mae" });
    override call(inputs: tf.Tensor): tf.Tensor {
      return this.dense.apply(inputs);
    }
    override testStep(data: [tf.Tensor, tf.Tensor]) {
      this.tested++;
      const [xb, yb] = data;
      const yPred = this.apply(xb, { training: false });
      this.maeTracker.updateState(tf.abs(tf.sub(yb, yPred)));
      return { mae: this.maeTracker.result(), batch: tf.scalar(xb.shape[0]) };
    }
  }
  const model = new Evaluated();
  model.compile({ optimizer: "sgd", loss: "mse" });
  tf.tidy(() => model.apply(x)); // builds the weights
  const start = tf.memory().numTensors;
  const result = await model.evaluate(x, y, { batchSize: 16 });
  assert.equal(model.tested, 3);
  assert.deepEqual(Object.keys(result).sort(), ["batch", "mae"]);
  assert.equal(result.batch, 8); // the last step's logs: 40 = 16 + 16 + 8
  assert.equal(tf.memory().numTensors, start); // the scalar tensor was read and freed
  const history = await model.fit(x, y, {
    epochs: 2,
    batchSize: 16,
    validationData: [x, y],
    verbose: 0,
  });
  assert.equal(model.tested, 3 + 2 * 3);
  assert.ok(Number.isFinite(history.history.val_mae[1]));
  assert.ok(Number.isFinite(history.history.loss[1]));
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("predictStep override is what predict runs", () => {
  class Doubled extends Sequential {
    override predictStep(data: tf.Tensor) {
      return tf.mul(this.apply(data, { training: false }), 2);
    }
  }
  const model = new Doubled([
    new layers.Dense(1, { inputShape: [2], kernelInitializer: "ones", useBias: false }),
  ]);
  const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const out = model.predict(x, { batchSize: 2 });
  assert.deepEqual(Array.from(out.dataSync()), [6, 14, 22]);
  tf.dispose([x, out]);
  model.dispose();
});

Deno.test("a GAN-style model: compile with two optimizers and a loss function, alternating steps", async () => {
  setSeed(5);
  const latent = 2;
  const discriminator = new Sequential([
    new layers.Dense(8, { activation: "relu", inputShape: [1] }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  const generator = new Sequential([
    new layers.Dense(8, { activation: "relu", inputShape: [latent] }),
    new layers.Dense(1),
  ]);
  class GAN extends Model {
    dOptimizer!: Optimizer;
    gOptimizer!: Optimizer;
    lossFn!: losses.Loss;
    dLossTracker = new metrics.Mean({ name: "d_loss" });
    gLossTracker = new metrics.Mean({ name: "g_loss" });
    constructor(readonly discriminator: Sequential, readonly generator: Sequential) {
      super();
    }
    override compile(
      { dOptimizer, gOptimizer, lossFn }: {
        dOptimizer: Optimizer;
        gOptimizer: Optimizer;
        lossFn: losses.Loss;
      },
    ) {
      super.compile();
      this.dOptimizer = dOptimizer;
      this.gOptimizer = gOptimizer;
      this.lossFn = lossFn;
    }
    override get metrics() {
      return [this.dLossTracker, this.gLossTracker];
    }
    override trainStep(real: tf.Tensor) {
      const n = real.shape[0];
      const fake = this.generator.apply(tf.randomNormal([n, latent]));
      const combined = tf.concat([fake, real], 0);
      const labels = tf.concat([tf.ones([n, 1]), tf.zeros([n, 1])], 0);
      const d = gradients(
        () => this.lossFn.apply(labels, this.discriminator.apply(combined, { training: true })),
        this.discriminator.trainableWeights,
      );
      this.dOptimizer.applyGradients(d.grads, this.discriminator.trainableWeights);
      const z = tf.randomNormal([n, latent]);
      const misleading = tf.zeros([n, 1]);
      const g = gradients(
        () =>
          this.lossFn.apply(
            misleading,
            this.discriminator.apply(this.generator.apply(z, { training: true })),
          ),
        this.generator.trainableWeights,
      );
      this.gOptimizer.applyGradients(g.grads, this.generator.trainableWeights);
      this.dLossTracker.updateState(d.value);
      this.gLossTracker.updateState(g.value);
      return { d_loss: this.dLossTracker.result(), g_loss: this.gLossTracker.result() };
    }
  }
  const gan = new GAN(discriminator, generator);
  gan.compile({
    dOptimizer: new optimizers.Adam({ learningRate: 0.01 }),
    gOptimizer: new optimizers.Adam({ learningRate: 0.01 }),
    lossFn: new losses.BinaryCrossentropy(),
  });
  const real = tf.randomNormal([128, 1], 3, 0.5, "float32", 5); // the toy 1-D distribution
  const dBefore = discriminator.getWeights().map((w) => w.arraySync());
  const gBefore = generator.getWeights().map((w) => w.arraySync());
  const history = await gan.fit(real, undefined, { epochs: 3, batchSize: 32, verbose: 0 });
  for (const key of ["d_loss", "g_loss"]) {
    assert.equal(history.history[key].length, 3);
    assert.ok(history.history[key].every(Number.isFinite), `${key}: ${history.history[key]}`);
  }
  const changed = (before: unknown[], model: Sequential) =>
    model.getWeights().some((w, i) => JSON.stringify(w.arraySync()) !== JSON.stringify(before[i]));
  assert.ok(changed(dBefore, discriminator), "the discriminator trained");
  assert.ok(changed(gBefore, generator), "the generator trained");
  real.dispose();
  gan.dispose();
});

Deno.test("the default steps: clear errors before compile and without a loss", async () => {
  const x = tf.ones([4, 2]);
  const y = tf.ones([4, 1]);
  const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
  await assert.rejects(() => model.fit(x, y, { verbose: 0 }), /not compiled/);
  assert.throws(() => model.optimizer, /not compiled/);
  assert.equal(model.metrics.length, 0);
  model.compile({ optimizer: "sgd" });
  await assert.rejects(() => model.fit(x, y, { verbose: 0 }), /compiled without a loss/);
  assert.throws(() => model.trainOnBatch(x, y), /compiled without a loss/);
  model.compile({ optimizer: "sgd", loss: "mse", metrics: ["mae"] });
  assert.equal(model.metrics[0].name, "loss");
  await model.fit(x, y, { verbose: 0 });
  assert.equal(model.metrics.length, 2);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("gradients: closure tensors live until the enclosing tidy ends; freed outside any tidy", () => {
  const w = tf.variable(tf.scalar(2));
  const start = tf.memory().numTensors;
  let inner!: tf.Tensor;
  tf.tidy(() => {
    const { value, grads } = gradients(() => {
      inner = tf.mul(w, 3);
      return tf.square(inner) as tf.Scalar;
    }, [w]);
    assert.equal(inner.isDisposed, false);
    assert.equal(inner.dataSync()[0], 6);
    assert.equal(value.dataSync()[0], 36);
    assert.equal(grads[0]!.dataSync()[0], 36);
  });
  assert.equal(inner.isDisposed, true);
  assert.equal(tf.memory().numTensors, start);
  const { value, grads } = gradients(() => {
    inner = tf.mul(w, 3);
    return tf.square(inner) as tf.Scalar;
  }, [w]);
  assert.equal(inner.isDisposed, true); // as TensorFlow.js's own gradients
  tf.dispose([value, grads[0]!]);
  assert.equal(tf.memory().numTensors, start);
  w.dispose();
});
