import assert from "node:assert/strict";
import { callbacks, tf } from "../../mod.ts";
import { linearData, tinyModel } from "./_helpers.ts";

const tick = () => new Promise((r) => setTimeout(r, 2));

/** A synchronous port of Keras's "writing your own callbacks" guide: no promise, no `!`. */
class SyncRecorder extends callbacks.Callback {
  events: string[] = [];
  stopAfterEpoch: number | null = null;
  override onTrainBegin(): void {
    this.events.push("onTrainBegin");
  }
  override onEpochEnd(epoch: number, logs: callbacks.Logs): void {
    this.events.push(`onEpochEnd(${epoch}) loss=${typeof logs.loss}`);
    if (epoch === this.stopAfterEpoch) this.model.stopTraining = true;
  }
  override onTestBatchEnd(batch: number): void {
    this.events.push(`onTestBatchEnd(${batch})`);
  }
  override onPredictBatchEnd(batch: number, logs: callbacks.PredictBatchLogs): void {
    this.events.push(`onPredictBatchEnd(${batch}) ${logs.outputs.shape}`);
  }
  override onPredictEnd(): void {
    this.events.push(`onPredictEnd ${this.model.name}`);
  }
}

/** Every hook async, each recording when it starts and when it ends. */
class AsyncRecorder extends callbacks.Callback {
  constructor(readonly events: string[]) {
    super();
  }
  async #record(name: string): Promise<void> {
    this.events.push(`${name} start`);
    await tick();
    this.events.push(`${name} end`);
  }
  override onTrainBegin(): Promise<void> {
    return this.#record("onTrainBegin");
  }
  override onTrainEnd(): Promise<void> {
    return this.#record("onTrainEnd");
  }
  override onEpochBegin(epoch: number): Promise<void> {
    return this.#record(`onEpochBegin(${epoch})`);
  }
  override onEpochEnd(epoch: number): Promise<void> {
    return this.#record(`onEpochEnd(${epoch})`);
  }
  override onTrainBatchEnd(batch: number): Promise<void> {
    return this.#record(`onTrainBatchEnd(${batch})`);
  }
  override onTestBegin(): Promise<void> {
    return this.#record("onTestBegin");
  }
  override onTestEnd(): Promise<void> {
    return this.#record("onTestEnd");
  }
  override onTestBatchEnd(batch: number): Promise<void> {
    return this.#record(`onTestBatchEnd(${batch})`);
  }
  override onPredictBegin(): Promise<void> {
    return this.#record("onPredictBegin");
  }
  override onPredictEnd(): Promise<void> {
    return this.#record("onPredictEnd");
  }
  override async onPredictBatchEnd(
    batch: number,
    logs: callbacks.PredictBatchLogs,
  ): Promise<void> {
    await this.#record(`onPredictBatchEnd(${batch})`);
    this.events.push(`outputs ${logs.outputs.shape} ${logs.outputs.isDisposed}`);
  }
}

/** Checks that every hook ended before the next one started, and returns the hooks' names. */
function sequential(events: string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < events.length; i++) {
    const m = events[i].match(/^(.*) start$/);
    if (!m) continue;
    assert.equal(events[i + 1], `${m[1]} end`, `${m[1]} ended before anything else ran`);
    names.push(m[1]);
  }
  return names;
}

Deno.test("A synchronous hook override type-checks and runs in fit, evaluate and predict", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  const cb = new SyncRecorder();
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [cb] });
  await model.evaluate(x, y, { batchSize: 4, callbacks: [cb] });
  const out = model.predict(x, { batchSize: 5, callbacks: [cb] });
  assert.ok(out instanceof tf.Tensor, "predict stays synchronous with synchronous hooks");
  assert.deepEqual(cb.events, [
    "onTrainBegin",
    "onEpochEnd(0) loss=number",
    "onEpochEnd(1) loss=number",
    "onTestBatchEnd(0)",
    "onTestBatchEnd(1)",
    "onPredictBatchEnd(0) 5,1",
    "onPredictBatchEnd(1) 3,1",
    `onPredictEnd ${model.name}`,
  ]);
  tf.dispose(out);
  model.dispose();
});

Deno.test("fit awaits every async hook, in order, before it returns", async () => {
  const model = tinyModel();
  const { x, y } = linearData(); // 6 train samples (2 batches of 3), 2 validation
  const events: string[] = [];
  await model.fit(x, y, {
    epochs: 2,
    batchSize: 3,
    validationSplit: 0.25,
    verbose: 0,
    callbacks: [new AsyncRecorder(events)],
  });
  events.push("fit returned");
  const epoch = (e: number) => [
    `onEpochBegin(${e})`,
    "onTrainBatchEnd(0)",
    "onTrainBatchEnd(1)",
    "onTestBegin",
    "onTestBatchEnd(0)",
    "onTestEnd",
    `onEpochEnd(${e})`,
  ];
  assert.deepEqual(sequential(events), ["onTrainBegin", ...epoch(0), ...epoch(1), "onTrainEnd"]);
  assert.equal(events.at(-1), "fit returned");
  model.dispose();
});

Deno.test("evaluate awaits every async hook, in order, before it returns", async () => {
  const model = tinyModel();
  const { x, y } = linearData(4);
  const events: string[] = [];
  await model.evaluate(x, y, { batchSize: 2, callbacks: [new AsyncRecorder(events)] });
  events.push("evaluate returned");
  assert.deepEqual(sequential(events), [
    "onTestBegin",
    "onTestBatchEnd(0)",
    "onTestBatchEnd(1)",
    "onTestEnd",
  ]);
  assert.equal(events.at(-1), "evaluate returned");
  model.dispose();
});

Deno.test("predictAsync awaits every async hook, in order, before it returns", async () => {
  const model = tinyModel();
  const { x } = linearData(4);
  const events: string[] = [];
  const before = tf.memory().numTensors;
  const out = await model.predictAsync(x, { batchSize: 3, callbacks: [new AsyncRecorder(events)] });
  events.push("predictAsync returned");
  assert.deepEqual(sequential(events), [
    "onPredictBegin",
    "onPredictBatchEnd(0)",
    "onPredictBatchEnd(1)",
    "onPredictEnd",
  ]);
  assert.deepEqual(events.filter((e) => e.startsWith("outputs")), [
    "outputs 3,1 false",
    "outputs 1,1 false",
  ]);
  assert.equal(events.at(-1), "predictAsync returned");
  assert.deepEqual(out.shape, [4, 1]);
  const sync = model.predict(x);
  assert.deepEqual(out.dataSync(), sync.dataSync());
  tf.dispose([out, sync]);
  assert.equal(tf.memory().numTensors, before, "the batch outputs are freed");
  model.dispose();
});

Deno.test("predict throws, naming the hook and predictAsync, when a hook returns a promise", () => {
  const model = tinyModel();
  const { x } = linearData(4);
  const events: string[] = [];
  const before = tf.memory().numTensors;
  assert.throws(
    () =>
      model.predict(x, {
        batchSize: 2,
        callbacks: [
          new callbacks.LambdaCallback({
            onPredictBatchBegin: (b) => {
              events.push(`begin ${b}`);
            },
            onPredictBatchEnd: (b) => {
              events.push(`end ${b}`);
              return Promise.resolve();
            },
          }),
        ],
      }),
    (e: Error) =>
      e instanceof TypeError &&
      /Cannot predict as LambdaCallback\.onPredictBatchEnd returned a promise/.test(e.message) &&
      /await model\.predictAsync\(x, options\)/.test(e.message),
  );
  assert.deepEqual(events, ["begin 0", "end 0"], "predict stops at the first promise");
  assert.equal(tf.memory().numTensors, before, "the outputs computed so far are freed");
  model.dispose();
});

Deno.test("onPredictBatchEnd gets each batch's outputs, as Keras's logs.outputs", () => {
  const model = tinyModel();
  const { x } = linearData(); // 8 samples, batches of 3, 3, 2
  const seen: { shape: number[]; values: number[] }[] = [];
  const before = tf.memory().numTensors;
  const out = model.predict(x, {
    batchSize: 3,
    callbacks: [
      new callbacks.LambdaCallback({
        onPredictBatchEnd: (_batch, logs) => {
          seen.push({ shape: logs.outputs.shape, values: Array.from(logs.outputs.dataSync()) });
        },
      }),
    ],
  });
  assert.deepEqual(seen.map((s) => s.shape), [[3, 1], [3, 1], [2, 1]]);
  const all = Array.from(out.dataSync());
  assert.deepEqual(seen.flatMap((s) => s.values), all);
  const direct = tf.tidy(() => Array.from(model.apply(tf.tensor2d(x)).dataSync()));
  all.forEach((v, i) => assert.ok(Math.abs(v - direct[i]) < 1e-6));
  tf.dispose(out);
  assert.equal(tf.memory().numTensors, before, "only the returned tensor outlives predict");
  model.dispose();
});

Deno.test("model.stop_training is an alias of stopTraining and stops fit after the epoch", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  const stopper = new callbacks.LambdaCallback({
    onEpochEnd: (epoch) => {
      if (epoch === 1) model.stop_training = true; // Keras: self.model.stop_training = True
    },
  });
  const history = await model.fit(x, y, {
    epochs: 5,
    batchSize: 4,
    verbose: 0,
    callbacks: [stopper],
  });
  assert.equal(history.history.loss.length, 2);
  assert.equal(model.stopTraining, true);
  assert.equal(model.stop_training, true);
  model.stopTraining = false;
  assert.equal(model.stop_training, false);
  // A sync subclass hook using this.model (typed non-null), stopping on the first epoch.
  const cb = new SyncRecorder();
  cb.stopAfterEpoch = 0;
  const again = await model.fit(x, y, { epochs: 5, verbose: 0, callbacks: [cb] });
  assert.equal(again.history.loss.length, 1);
  model.dispose();
});

Deno.test("Callback.model throws a clear error before the callback is attached", () => {
  const cb = new SyncRecorder();
  assert.throws(
    () => cb.model,
    (e: Error) =>
      e instanceof TypeError && /Cannot read SyncRecorder\.model as the callback is not attached/
        .test(e.message),
  );
  const model = tinyModel();
  cb.setModel(model);
  assert.equal(cb.model, model);
  model.dispose();
});
