import assert from "node:assert/strict";
import { callbacks, tf } from "../../mod.ts";
import { linearData, tinyModel } from "./_helpers.ts";

function recorder(events: string[]): callbacks.LambdaCallback {
  const run = (name: string) => () => {
    events.push(name);
  };
  const at = (name: string) => (i: number) => {
    events.push(`${name}(${i})`);
  };
  return new callbacks.LambdaCallback({
    onTrainBegin: run("onTrainBegin"),
    onTrainEnd: run("onTrainEnd"),
    onEpochBegin: at("onEpochBegin"),
    onEpochEnd: at("onEpochEnd"),
    onTrainBatchBegin: at("onTrainBatchBegin"),
    onTrainBatchEnd: at("onTrainBatchEnd"),
    onTestBegin: run("onTestBegin"),
    onTestEnd: run("onTestEnd"),
    onTestBatchBegin: at("onTestBatchBegin"),
    onTestBatchEnd: at("onTestBatchEnd"),
    onPredictBegin: run("onPredictBegin"),
    onPredictEnd: run("onPredictEnd"),
    onPredictBatchBegin: at("onPredictBatchBegin"),
    onPredictBatchEnd: at("onPredictBatchEnd"),
  });
}

Deno.test("Callback hooks fire in Keras's order for a two-epoch fit with validation", async () => {
  const model = tinyModel();
  const { x, y } = linearData(); // 8 samples: 6 train (2 batches of 3), 2 validation (1 batch)
  const events: string[] = [];
  await model.fit(x, y, {
    epochs: 2,
    batchSize: 3,
    validationSplit: 0.25,
    verbose: 0,
    callbacks: [recorder(events)],
  });
  const epoch = (e: number) => [
    `onEpochBegin(${e})`,
    "onTrainBatchBegin(0)",
    "onTrainBatchEnd(0)",
    "onTrainBatchBegin(1)",
    "onTrainBatchEnd(1)",
    "onTestBegin",
    "onTestBatchBegin(0)",
    "onTestBatchEnd(0)",
    "onTestEnd",
    `onEpochEnd(${e})`,
  ];
  assert.deepEqual(events, ["onTrainBegin", ...epoch(0), ...epoch(1), "onTrainEnd"]);
  model.dispose();
});

Deno.test("Callback hooks fire in Keras's order for evaluate and predict", async () => {
  const model = tinyModel();
  const { x, y } = linearData(4);
  const events: string[] = [];
  await model.evaluate(x, y, { batchSize: 2, callbacks: [recorder(events)] });
  assert.deepEqual(events, [
    "onTestBegin",
    "onTestBatchBegin(0)",
    "onTestBatchEnd(0)",
    "onTestBatchBegin(1)",
    "onTestBatchEnd(1)",
    "onTestEnd",
  ]);
  events.length = 0;
  const out = model.predict(x, { batchSize: 4, callbacks: [recorder(events)] });
  assert.deepEqual(events, [
    "onPredictBegin",
    "onPredictBatchBegin(0)",
    "onPredictBatchEnd(0)",
    "onPredictEnd",
  ]);
  tf.dispose(out);
  model.dispose();
});

Deno.test("Callback batch logs are running means and model.batchLogs holds the raw batch loss", async () => {
  const model = tinyModel(0);
  const { x, y } = linearData(4);
  const raw: number[] = [];
  const running: number[] = [];
  await model.fit(x, y, {
    epochs: 1,
    batchSize: 2,
    shuffle: false,
    verbose: 0,
    callbacks: [
      new callbacks.LambdaCallback({
        onTrainBatchEnd: (_b, logs) => {
          running.push(logs.loss);
          raw.push(model.batchLogs.loss);
        },
      }),
    ],
  });
  // With learning rate 0 the weights never move: the running mean after two
  // equal-sized batches is the mean of the two raw batch losses.
  assert.equal(running[0], raw[0]);
  assert.ok(Math.abs(running[1] - (raw[0] + raw[1]) / 2) < 1e-6);
  assert.notEqual(raw[0], raw[1]);
  model.dispose();
});

Deno.test("LambdaCallback rejects unknown hooks and non-functions", () => {
  assert.throws(
    () => new callbacks.LambdaCallback({ onEpochFinish: () => {} } as never),
    (e: Error) => e instanceof TypeError && /"onEpochFinish" is not a hook/.test(e.message),
  );
  assert.throws(
    () => new callbacks.LambdaCallback({ onEpochEnd: 3 } as never),
    (e: Error) => e instanceof TypeError && /"onEpochEnd" must be a function/.test(e.message),
  );
});

Deno.test("LambdaCallback awaits async hooks before the loop goes on", async () => {
  const model = tinyModel();
  const { x, y } = linearData(4);
  const events: string[] = [];
  await model.fit(x, y, {
    epochs: 2,
    batchSize: 4,
    verbose: 0,
    callbacks: [
      new callbacks.LambdaCallback({
        onEpochEnd: async (e) => {
          await new Promise((r) => setTimeout(r, 5));
          events.push(`end ${e}`);
        },
        onEpochBegin: (e) => {
          events.push(`begin ${e}`);
        },
      }),
    ],
  });
  assert.deepEqual(events, ["begin 0", "end 0", "begin 1", "end 1"]);
  model.dispose();
});
