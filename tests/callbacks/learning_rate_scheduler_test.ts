import assert from "node:assert/strict";
import { callbacks, layers, optimizers, Sequential, tf } from "../../mod.ts";
import { linearData, tinyModel, weightValues } from "./_helpers.ts";

Deno.test("LearningRateScheduler sets schedule(epoch, lr) at each epoch and logs it", async () => {
  const model = tinyModel(0.1);
  const { x, y } = linearData();
  const calls: [number, number][] = [];
  const history = await model.fit(x, y, {
    epochs: 5,
    verbose: 0,
    callbacks: [
      new callbacks.LearningRateScheduler((epoch, lr) => {
        calls.push([epoch, lr]);
        return epoch < 2 ? lr : lr * 0.5;
      }),
    ],
  });
  assert.deepEqual(history.history.learning_rate, [0.1, 0.1, 0.05, 0.025, 0.0125]);
  assert.deepEqual(calls, [[0, 0.1], [1, 0.1], [2, 0.1], [3, 0.05], [4, 0.025]]);
  model.dispose();
});

Deno.test("LearningRateScheduler's rate is the one the optimizer uses (rate 0 freezes the weights)", async () => {
  const model = tinyModel(0.1);
  const { x, y } = linearData();
  const weights: number[][][] = [];
  await model.fit(x, y, {
    epochs: 3,
    verbose: 0,
    callbacks: [
      new callbacks.LearningRateScheduler((epoch) => (epoch === 1 ? 0 : 0.1)),
      new callbacks.LambdaCallback({ onEpochEnd: () => void weights.push(weightValues(model)) }),
    ],
  });
  assert.deepEqual(weights[1], weights[0]);
  assert.notDeepEqual(weights[2], weights[1]);
  model.dispose();
});

Deno.test("LearningRateScheduler rejects a schedule that returns a non-number", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  const schedule = (() => "0.1") as unknown as callbacks.EpochSchedule;
  await assert.rejects(
    model.fit(x, y, {
      epochs: 2,
      verbose: 0,
      callbacks: [new callbacks.LearningRateScheduler(schedule)],
    }),
    (e: Error) =>
      e instanceof TypeError &&
      /schedule must return a number: received 0.1 \(string\) at epoch 0/.test(e.message),
  );
  await assert.rejects(
    model.fit(x, y, {
      epochs: 2,
      verbose: 0,
      callbacks: [new callbacks.LearningRateScheduler(() => -1)],
    }),
    (e: Error) => e instanceof RangeError && /finite number >= 0: received -1/.test(e.message),
  );
  assert.throws(
    () => new callbacks.LearningRateScheduler(0.1 as never),
    (e: Error) => e instanceof TypeError && /"schedule" must be a function/.test(e.message),
  );
  model.dispose();
});

Deno.test("LearningRateScheduler refuses an optimizer driven by a schedule before training", async () => {
  const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
  model.compile({
    optimizer: new optimizers.SGD({ learningRate: (step) => 0.1 / (1 + step) }),
    loss: "mse",
  });
  const { x, y } = linearData();
  let batches = 0;
  await assert.rejects(
    model.fit(x, y, {
      epochs: 1,
      verbose: 0,
      callbacks: [
        new callbacks.LearningRateScheduler((_e, lr) => lr),
        new callbacks.LambdaCallback({ onTrainBatchBegin: () => void batches++ }),
      ],
    }),
    (e: Error) => e instanceof TypeError && /learning rate is a schedule/.test(e.message),
  );
  assert.equal(batches, 0);
  model.dispose();
});

Deno.test("LearningRateScheduler leaks no tensors", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const before = tf.memory().numTensors;
  await model.fit(x, y, {
    epochs: 3,
    verbose: 0,
    callbacks: [new callbacks.LearningRateScheduler((_e, lr) => lr * 0.9)],
  });
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});
