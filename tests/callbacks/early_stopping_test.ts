import assert from "node:assert/strict";
import { callbacks, tf } from "../../mod.ts";
import { injectLogs, linearData, tinyModel, weightValues } from "./_helpers.ts";

/** Fits with `values` injected as `val_loss`, recording the weights at each epoch's end. */
async function run(values: number[], options: callbacks.EarlyStoppingOptions) {
  const model = tinyModel(0.05);
  const { x, y } = linearData();
  const weights: number[][][] = [];
  const stop = new callbacks.EarlyStopping(options);
  const record = new callbacks.LambdaCallback({
    onEpochEnd: () => {
      weights.push(weightValues(model));
    },
  });
  const history = await model.fit(x, y, {
    epochs: values.length,
    batchSize: 4,
    verbose: 0,
    callbacks: [injectLogs("val_loss", values), record, stop],
  });
  return { model, stop, history, weights, final: weightValues(model) };
}

Deno.test("EarlyStopping stops after patience epochs without improvement and restores the best weights", async () => {
  // Epoch:  0  1  2    3    4    5    6    7  8  9
  const values = [5, 3, 4, 2.5, 2.6, 2.7, 2.8, 1, 1, 1];
  const { model, stop, history, weights, final } = await run(values, {
    patience: 3,
    restoreBestWeights: true,
  });
  // Best is epoch 3 (2.5); epochs 4, 5, 6 do not improve: wait reaches 3 at epoch 6.
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(stop.stoppedEpoch, 6);
  assert.equal(stop.bestEpoch, 3);
  assert.equal(stop.best, 2.5);
  assert.notDeepEqual(weights[3], weights[6]);
  assert.deepEqual(final, weights[3]);
  model.dispose();
});

Deno.test("EarlyStopping without restoreBestWeights keeps the last weights", async () => {
  const { model, stop, weights, final } = await run([5, 3, 4, 2.5, 2.6, 2.7, 2.8, 1], {
    patience: 3,
  });
  assert.equal(stop.stoppedEpoch, 6);
  assert.deepEqual(final, weights[6]);
  model.dispose();
});

Deno.test("EarlyStopping restores the best weights at the end even when it did not stop (Keras 3)", async () => {
  const { model, stop, history, weights, final } = await run([3, 2, 1, 2], {
    patience: 10,
    restoreBestWeights: true,
  });
  assert.equal(history.epoch.length, 4);
  assert.equal(stop.stoppedEpoch, 0);
  assert.deepEqual(final, weights[2]);
  model.dispose();
});

Deno.test("EarlyStopping with patience 0 stops at the first epoch that does not improve", async () => {
  const { model, stop, history } = await run([3, 2, 2, 1], {});
  assert.equal(stop.stoppedEpoch, 2);
  assert.equal(history.epoch.length, 3);
  model.dispose();
});

Deno.test("EarlyStopping baseline: improvements that miss the baseline do not reset the counter", async () => {
  const constant = [2, 2, 2, 2, 2, 2];
  const without = await run(constant, { patience: 2 });
  // e0 improves (wait 0), e1 wait 1, e2 wait 2 -> stop.
  assert.equal(without.stop.stoppedEpoch, 2);
  const withBaseline = await run(constant, { patience: 2, baseline: 1 });
  // e0 improves but misses the baseline (wait stays 1), e1 wait 2 -> stop.
  assert.equal(withBaseline.stop.stoppedEpoch, 1);
  const beaten = await run([0.5, 0.5, 0.5, 0.5], { patience: 2, baseline: 1 });
  assert.equal(beaten.stop.stoppedEpoch, 2);
  for (const r of [without, withBaseline, beaten]) r.model.dispose();
});

Deno.test("EarlyStopping startFromEpoch ignores the warm-up epochs", async () => {
  const values = [9, 9, 9, 5, 5, 5, 5];
  const early = await run(values, { patience: 1 });
  assert.equal(early.stop.stoppedEpoch, 1);
  const late = await run(values, { patience: 1, startFromEpoch: 3 });
  assert.equal(late.stop.stoppedEpoch, 4);
  assert.equal(late.stop.bestEpoch, 3);
  early.model.dispose();
  late.model.dispose();
});

Deno.test("EarlyStopping minDelta: smaller changes do not count as improvements", async () => {
  const { model, stop } = await run([1, 0.95, 0.9, 0.85, 0.5], { patience: 2, minDelta: 0.1 });
  // 0.95 and 0.9 are within 0.1 of 1: wait 1, 2 -> stop at epoch 2.
  assert.equal(stop.stoppedEpoch, 2);
  assert.equal(stop.best, 1);
  model.dispose();
});

Deno.test("EarlyStopping mode auto maximises a metric whose direction is max", async () => {
  const model = tinyModel(0.05, ["accuracy"]);
  const { x, y } = linearData();
  const stop = new callbacks.EarlyStopping({ monitor: "val_accuracy", patience: 1 });
  const history = await model.fit(x, y, {
    epochs: 5,
    batchSize: 4,
    verbose: 0,
    callbacks: [injectLogs("val_accuracy", [0.5, 0.6, 0.7, 0.6, 0.8]), stop],
  });
  assert.equal(stop.direction, "max");
  assert.equal(stop.stoppedEpoch, 3);
  assert.equal(history.epoch.length, 4);
  model.dispose();
});

Deno.test("EarlyStopping mode min on a value that rises stops after patience", async () => {
  const { model, stop } = await run([1, 2, 3, 4], { patience: 2, mode: "min" });
  assert.equal(stop.stoppedEpoch, 2);
  const max = await run([1, 2, 3, 4], { patience: 2, mode: "max" });
  assert.equal(max.stop.stoppedEpoch, 0);
  model.dispose();
  max.model.dispose();
});

Deno.test("EarlyStopping leaks no tensors with restoreBestWeights", async () => {
  const model = tinyModel(0.05);
  const { x, y } = linearData();
  await model.fit(x, y, { epochs: 1, verbose: 0 }); // builds the weights
  const before = tf.memory().numTensors;
  for (const values of [[5, 3, 4, 2.5, 2.6, 2.7, 2.8], [3, 2, 1, 2]]) {
    await model.fit(x, y, {
      epochs: values.length,
      batchSize: 4,
      verbose: 0,
      callbacks: [
        injectLogs("val_loss", values),
        new callbacks.EarlyStopping({ patience: 3, restoreBestWeights: true }),
      ],
    });
  }
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("EarlyStopping rejects bad options", () => {
  const bad: [callbacks.EarlyStoppingOptions, RegExp][] = [
    [{ patience: -1 }, /"patience" must be a non-negative integer: received -1/],
    [{ patience: 1.5 }, /"patience" must be a non-negative integer: received 1.5/],
    [{ mode: "up" as never }, /"mode" must be one of "auto", "min", "max": received "up"/],
    [{ minDelta: -0.1 }, /"minDelta" must be a finite number >= 0: received -0.1/],
    [{ startFromEpoch: -2 }, /"startFromEpoch" must be a non-negative integer/],
    [{ baseline: NaN }, /"baseline" must be a finite number/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => new callbacks.EarlyStopping(options),
      (e: Error) => (e instanceof RangeError || e instanceof TypeError) && message.test(e.message),
      JSON.stringify(options),
    );
  }
});
