import assert from "node:assert/strict";
import { callbacks, setSeed, tf } from "../../mod.ts";
import {
  EarlyStoppingAtMinLoss,
  getModel,
  loadData,
  LR_SCHEDULE,
  lrSchedule,
  main,
} from "../../examples/keras_io/writing_your_own_callbacks.ts";

/** `[begin, end]` pairs of a batch hook, `n` times. */
function batches(kind: "Train" | "Test" | "Predict", n: number): string[] {
  return Array.from({ length: n }, () => [`on${kind}BatchBegin`, `on${kind}BatchEnd`]).flat();
}

const epochKeys = "'loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error'";

Deno.test("keras.io writing_your_own_callbacks: every hook, in order, in fit, evaluate and predict; the schedule; early stopping; no leaks", async () => {
  const before = tf.memory().numTensors;
  const result = await main();
  assert.equal(tf.memory().numTensors, before);

  // fit: 1,000 samples, validationSplit 0.5, batchSize 128: 4 training and 4 validation batches.
  assert.deepEqual(result.hooks.fit, [
    "onTrainBegin",
    "onEpochBegin",
    ...batches("Train", 4),
    "onTestBegin",
    ...batches("Test", 4),
    "onTestEnd",
    "onEpochEnd",
    "onTrainEnd",
  ]);
  const fit = result.lines.fit;
  assert.equal(fit[0], "Starting training; got log keys: []");
  assert.equal(fit[1], "Start epoch 0 of training; got log keys: []");
  assert.equal(fit[2], "...Training: start of batch 0; got log keys: []");
  assert.equal(
    fit[3],
    "...Training: end of batch 0; got log keys: ['loss', 'mean_absolute_error']",
  );
  assert.equal(
    fit[9],
    "...Training: end of batch 3; got log keys: ['loss', 'mean_absolute_error']",
  );
  assert.equal(fit[10], "Start testing; got log keys: []");
  assert.equal(fit[19], "Stop testing; got log keys: ['loss', 'mean_absolute_error']");
  assert.ok(fit[20].startsWith(`End epoch 0 of training; got log keys: [${epochKeys}`), fit[20]);
  assert.ok(fit[21].startsWith(`Stop training; got log keys: [${epochKeys}`), fit[21]);

  // evaluate: 797 samples, batchSize 128: 7 batches.
  assert.deepEqual(result.hooks.evaluate, ["onTestBegin", ...batches("Test", 7), "onTestEnd"]);
  assert.equal(result.lines.evaluate[0], "Start testing; got log keys: []");
  assert.equal(
    result.lines.evaluate[14],
    "...Evaluating: end of batch 6; got log keys: ['loss', 'mean_absolute_error']",
  );
  assert.equal(
    result.lines.evaluate[15],
    "Stop testing; got log keys: ['loss', 'mean_absolute_error']",
  );

  // predict (the synchronous model.predict): 7 batches, each end with its outputs.
  assert.deepEqual(result.hooks.predict, [
    "onPredictBegin",
    ...batches("Predict", 7),
    "onPredictEnd",
  ]);
  assert.equal(result.lines.predict[0], "Start predicting; got log keys: []");
  assert.equal(result.lines.predict[1], "...Predicting: start of batch 0; got log keys: []");
  assert.equal(
    result.lines.predict[14],
    "...Predicting: end of batch 6; got log keys: ['outputs']",
  );
  assert.equal(result.lines.predict[15], "Stop predicting; got log keys: []");
  assert.deepEqual(result.predictShape, [797, 1]);

  // The scheduler's rates follow LR_SCHEDULE from RMSprop's 0.1, and training used them.
  const expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005];
  expected.push(0.001, 0.001, 0.001);
  assert.deepEqual(result.scheduledRates, expected);
  assert.deepEqual(result.loggedRates, expected);
  for (const [epoch, rate] of LR_SCHEDULE) assert.equal(result.scheduledRates[epoch], rate);

  // Early stopping (patience 0) stops at the first epoch whose loss is not a new minimum.
  assert.ok(
    result.stoppedEpoch > 0 && result.stoppedEpoch < 29,
    `stopped at ${result.stoppedEpoch}`,
  );
  assert.equal(result.epochsRun, result.stoppedEpoch + 1);
  assert.equal(result.bestLoss, result.epochLosses[result.stoppedEpoch - 1]);
  assert.ok(result.epochLosses[result.stoppedEpoch] >= result.bestLoss);

  // A single Dense unit regressing the digit beats predicting the mean (variance ~8.3).
  assert.ok(Number.isFinite(result.loss) && result.loss < 6, `test loss ${result.loss}`);
});

/** Copies the weights at the end of every epoch (placed before the early stopping). */
class WeightsAtEpochEnd extends callbacks.Callback {
  readonly weights: tf.Tensor[][] = [];
  override onEpochEnd(): void {
    this.weights.push(this.model.getWeights());
  }
}

Deno.test("keras.io EarlyStoppingAtMinLoss (patience 2) stops and restores the best epoch's weights", async () => {
  const before = tf.memory().numTensors;
  const { xTrain, yTrain, xTest, yTest } = await loadData();
  const patience = 2;
  setSeed(1); // stops at epoch 11, the best being epoch 9 (any seed stops well before 40)
  const model = getModel();
  const snapshots = new WeightsAtEpochEnd();
  const earlyStopping = new EarlyStoppingAtMinLoss(patience, () => {});
  const history = await model.fit(xTrain, yTrain, {
    batchSize: 64,
    epochs: 40,
    verbose: 0,
    callbacks: [snapshots, earlyStopping],
  });
  const losses = history.history.loss;
  const bestEpoch = losses.indexOf(Math.min(...losses));
  assert.ok(earlyStopping.stoppedEpoch > 0, "training ran all 40 epochs");
  assert.equal(history.epoch.length, earlyStopping.stoppedEpoch + 1);
  assert.equal(bestEpoch, earlyStopping.stoppedEpoch - patience);
  assert.equal(earlyStopping.best, losses[bestEpoch]);
  assert.equal(earlyStopping.bestWeights, null); // freed by onTrainEnd

  // The model holds exactly the best epoch's weights ...
  const restored = model.getWeights();
  snapshots.weights[bestEpoch].forEach((w, i) => {
    assert.deepEqual(restored[i].dataSync(), w.dataSync());
  });
  // ... so its loss is the best epoch's, not the last one's.
  const lossOf = async (weights: tf.Tensor[]) => {
    const probe = getModel();
    probe.setWeights(weights);
    const { loss } = await probe.evaluate(xTest, yTest, { verbose: 0 });
    probe.dispose();
    return loss;
  };
  const { loss: restoredLoss } = await model.evaluate(xTest, yTest, { verbose: 0 });
  assert.equal(restoredLoss, await lossOf(snapshots.weights[bestEpoch]));
  assert.notEqual(restoredLoss, await lossOf(snapshots.weights[earlyStopping.stoppedEpoch]));

  tf.dispose(restored);
  snapshots.weights.forEach((w) => tf.dispose(w));
  tf.dispose([xTrain, yTrain, xTest, yTest]);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("keras.io lrSchedule keeps the rate between and after the table's epochs", () => {
  assert.equal(lrSchedule(0, 0.1), 0.1);
  assert.equal(lrSchedule(3, 0.1), 0.05);
  assert.equal(lrSchedule(4, 0.05), 0.05);
  assert.equal(lrSchedule(12, 0.005), 0.001);
  assert.equal(lrSchedule(20, 0.001), 0.001);
});
