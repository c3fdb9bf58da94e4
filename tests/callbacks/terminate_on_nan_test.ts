import assert from "node:assert/strict";
import { callbacks, tf } from "../../mod.ts";
import { linearData, tinyModel } from "./_helpers.ts";

function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = () => {};
  return fn().finally(() => {
    console.log = original;
  });
}

Deno.test("TerminateOnNaN stops fit after the batch whose loss is NaN", async () => {
  const model = tinyModel();
  const { x, y } = linearData(16);
  let batches = 0;
  const history = await quiet(() =>
    model.fit(x, y, {
      epochs: 3,
      batchSize: 2,
      verbose: 0,
      callbacks: [
        new callbacks.LambdaCallback({
          onTrainBatchEnd: (batch, logs) => {
            batches++;
            if (batch === 2) logs.loss = NaN;
          },
        }),
        new callbacks.TerminateOnNaN(),
      ],
    })
  );
  assert.equal(batches, 3);
  assert.deepEqual(history.epoch, [0]);
  assert.equal(model.stopTraining, true);
  model.dispose();
});

Deno.test("TerminateOnNaN stops a diverging fit", async () => {
  const model = tinyModel(1e30);
  const { x, y } = linearData(16);
  let batches = 0;
  const history = await quiet(() =>
    model.fit(x, y, {
      epochs: 5,
      batchSize: 2,
      verbose: 0,
      callbacks: [
        new callbacks.TerminateOnNaN(),
        new callbacks.LambdaCallback({ onTrainBatchEnd: () => void batches++ }),
      ],
    })
  );
  assert.ok(batches < 40, `ran ${batches} batches`);
  assert.equal(history.epoch.length, 1);
  assert.ok(!Number.isFinite(history.history.loss[0]));
  model.dispose();
});

Deno.test("TerminateOnNaN with raiseError throws a RangeError from fit", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  await assert.rejects(
    model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      verbose: 0,
      callbacks: [
        new callbacks.LambdaCallback({
          onTrainBatchEnd: (batch, logs) => {
            if (batch === 1) logs.loss = Infinity;
          },
        }),
        new callbacks.TerminateOnNaN({ raiseError: true }),
      ],
    }),
    (e: Error) =>
      e instanceof RangeError && /loss became Infinity at batch 1 of epoch 1/.test(e.message),
  );
  assert.throws(
    () => new callbacks.TerminateOnNaN({ raiseError: "yes" as never }),
    (e: Error) => e instanceof TypeError && /"raiseError" must be true or false/.test(e.message),
  );
  model.dispose();
});

Deno.test("TerminateOnNaN leaks no tensors and leaves finite fits alone", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const before = tf.memory().numTensors;
  const history = await model.fit(x, y, {
    epochs: 3,
    verbose: 0,
    callbacks: [new callbacks.TerminateOnNaN()],
  });
  assert.equal(history.epoch.length, 3);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});
