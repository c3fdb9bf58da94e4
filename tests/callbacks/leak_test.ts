import assert from "node:assert/strict";
import { callbacks, tf } from "../../mod.ts";
import { linearData, tinyModel } from "./_helpers.ts";

Deno.test("Callbacks together leak no tensors in a fit with validation", async () => {
  const dir = Deno.makeTempDirSync();
  const model = tinyModel(0.05, ["mae"]);
  const { x, y } = linearData();
  await model.fit(x, y, { epochs: 1, verbose: 0, validationSplit: 0.25 });
  const before = tf.memory().numTensors;
  const history = await model.fit(x, y, {
    epochs: 6,
    batchSize: 2,
    validationSplit: 0.25,
    verbose: 1,
    callbacks: [
      new callbacks.LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr * 0.9)),
      new callbacks.ReduceLROnPlateau({ patience: 1, factor: 0.5 }),
      new callbacks.EarlyStopping({ patience: 2, restoreBestWeights: true }),
      new callbacks.CSVLogger(`${dir}/log.csv`),
      new callbacks.TerminateOnNaN(),
      new callbacks.LambdaCallback({ onEpochEnd: () => {} }),
      new callbacks.ProgbarLogger({ write: () => {}, isTerminal: true }),
    ],
  });
  assert.ok(history.epoch.length > 0);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});
