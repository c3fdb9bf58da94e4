import assert from "node:assert/strict";
import { callbacks, layers, optimizers, Sequential, setSeed, tf } from "../../mod.ts";
import { injectLogs, linearData, tinyModel } from "./_helpers.ts";

async function run(
  values: number[],
  options: callbacks.ReduceLROnPlateauOptions,
  learningRate = 0.08,
) {
  const model = tinyModel(learningRate);
  const { x, y } = linearData();
  const reduce = new callbacks.ReduceLROnPlateau(options);
  const history = await model.fit(x, y, {
    epochs: values.length,
    batchSize: 4,
    verbose: 0,
    callbacks: [injectLogs("val_loss", values), reduce],
  });
  const rates = history.history.learning_rate;
  const final = model.optimizer.learningRate;
  model.dispose();
  return { rates, final, reduce };
}

Deno.test("ReduceLROnPlateau halves the rate at Keras's epochs for a constant value (patience 2)", async () => {
  const { rates, final } = await run(new Array(8).fill(1), { patience: 2, factor: 0.5 });
  // Keras: epoch 0 sets best; epochs 1, 2 wait 1, 2 -> reduce at the end of epoch 2,
  // then every second epoch (4, 6). learning_rate logs the rate each epoch trained with.
  assert.deepEqual(rates, [0.08, 0.08, 0.08, 0.04, 0.04, 0.02, 0.02, 0.01]);
  assert.equal(final, 0.01);
});

Deno.test("ReduceLROnPlateau cooldown skips epochs after a reduction", async () => {
  const { rates, final } = await run(new Array(7).fill(1), {
    patience: 1,
    factor: 0.5,
    cooldown: 2,
  });
  // Reductions at the end of epochs 1, 3, 5; epoch 6 is in the cooldown.
  assert.deepEqual(rates, [0.08, 0.08, 0.04, 0.04, 0.02, 0.02, 0.01]);
  assert.equal(final, 0.01);
});

Deno.test("ReduceLROnPlateau does not reduce while the value improves by more than minDelta", async () => {
  const improving = await run([1, 0.8, 0.6, 0.4, 0.2], { patience: 1, factor: 0.5 });
  assert.deepEqual(improving.rates, [0.08, 0.08, 0.08, 0.08, 0.08]);
  // Steps of 0.05 are below minDelta 0.1: no improvement after epoch 0.
  const small = await run([1, 0.95, 0.9, 0.85], { patience: 1, factor: 0.5, minDelta: 0.1 });
  assert.deepEqual(small.rates, [0.08, 0.08, 0.04, 0.02]);
});

Deno.test("ReduceLROnPlateau never goes below minLr and stops reducing there", async () => {
  const { rates, final } = await run(
    [1, 1, 1, 1, 1],
    { patience: 1, factor: 0.1, minLr: 0.005 },
    0.1,
  );
  assert.equal(rates[0], 0.1);
  assert.equal(rates[1], 0.1);
  assert.ok(Math.abs(rates[2] - 0.01) < 1e-12);
  assert.deepEqual(rates.slice(3), [0.005, 0.005]);
  assert.equal(final, 0.005);
});

Deno.test("ReduceLROnPlateau mode auto follows the monitored metric's direction", async () => {
  setSeed(1);
  const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
  model.compile({
    optimizer: new optimizers.SGD({ learningRate: 0.08 }),
    loss: "mse",
    metrics: ["accuracy"],
  });
  const { x, y } = linearData();
  const reduce = new callbacks.ReduceLROnPlateau({
    monitor: "val_accuracy",
    patience: 1,
    factor: 0.5,
  });
  const history = await model.fit(x, y, {
    epochs: 4,
    batchSize: 4,
    verbose: 0,
    callbacks: [injectLogs("val_accuracy", [0.5, 0.6, 0.7, 0.7]), reduce],
  });
  // Rising accuracy is an improvement; only the repeated 0.7 triggers a reduction (after epoch 3).
  assert.deepEqual(history.history.learning_rate, [0.08, 0.08, 0.08, 0.08]);
  assert.equal(model.optimizer.learningRate, 0.04);
  model.dispose();
});

Deno.test("ReduceLROnPlateau scales a learning-rate schedule", async () => {
  setSeed(1);
  const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
  const schedule = (step: number) => 0.08 / (1 + step); // a step-based decay
  model.compile({ optimizer: new optimizers.SGD({ learningRate: schedule }), loss: "mse" });
  const { x, y } = linearData();
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 4, // 2 steps per epoch
    verbose: 0,
    callbacks: [
      injectLogs("val_loss", [1, 1, 1]),
      new callbacks.ReduceLROnPlateau({ patience: 1, factor: 0.5 }),
    ],
  });
  // Logged at the end of epochs 0, 1, 2 (after 2, 4, 6 steps); reductions after epochs 1 and 2.
  assert.deepEqual(history.history.learning_rate, [0.08 / 3, 0.08 / 5, (0.08 / 7) * 0.5]);
  assert.equal(model.optimizer.learningRate, (0.08 / 7) * 0.25);
  model.dispose();
});

Deno.test("ReduceLROnPlateau leaks no tensors", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const before = tf.memory().numTensors;
  await model.fit(x, y, {
    epochs: 4,
    verbose: 0,
    callbacks: [
      injectLogs("val_loss", [1, 1, 1, 1]),
      new callbacks.ReduceLROnPlateau({ patience: 1 }),
    ],
  });
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("ReduceLROnPlateau rejects bad options", () => {
  const bad: [callbacks.ReduceLROnPlateauOptions, RegExp][] = [
    [{ factor: 1 }, /"factor" must be a number in \(0, 1\) that reduces the rate: received 1/],
    [{ factor: 1.5 }, /"factor" must be a number in \(0, 1\).*received 1.5/],
    [{ factor: 0 }, /"factor" must be a number in \(0, 1\).*received 0/],
    [{ factor: -0.5 }, /"factor".*received -0.5/],
    [{ patience: -1 }, /"patience" must be a non-negative integer: received -1/],
    [{ cooldown: -3 }, /"cooldown" must be a non-negative integer: received -3/],
    [
      { mode: "maximum" as never },
      /"mode" must be one of "auto", "min", "max": received "maximum"/,
    ],
    [{ minLr: -1 }, /"minLr" must be a finite number >= 0: received -1/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => new callbacks.ReduceLROnPlateau(options),
      (e: Error) => e instanceof RangeError && message.test(e.message),
      JSON.stringify(options),
    );
  }
});
