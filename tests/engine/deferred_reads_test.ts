/**
 * The training loop for backends that read asynchronously only (webgpu on
 * Deno), run here on the CPU backends by forcing the deferred reads: the
 * loss and the metrics stay on the device between reads, callbacks still get
 * numbers, and the results match the synchronous loop.
 */
import assert from "node:assert/strict";
import {
  callbacks,
  layers,
  metrics,
  Model,
  optimizers,
  Sequential,
  setSeed,
  tf,
} from "../../mod.ts";
import { forceDeferredReads } from "../../engine/_reads.ts";
import { forceReadInterval } from "../../engine/_step_reader.ts";
import type { Logs } from "../../callbacks/callback.ts";

/** Runs `fn` with deferred reads forced on, restoring the automatic choice after. */
async function deferred<T>(fn: () => Promise<T> | T): Promise<T> {
  forceDeferredReads(true);
  try {
    return await fn();
  } finally {
    forceDeferredReads(null);
  }
}

function data(n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i * 1.7);
    const b = Math.cos(i * 0.3);
    xs.push([a, b, a * b]);
    ys.push([a + b > 0 ? 1 : 0]);
  }
  return { x: tf.tensor2d(xs), y: tf.tensor2d(ys) };
}

function classifier(): Sequential {
  setSeed(7);
  const model = new Sequential([
    new layers.Dense(8, { activation: "relu", inputShape: [3] }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({
    optimizer: "adam",
    loss: "binary_crossentropy",
    metrics: ["accuracy", new metrics.Precision(), new metrics.AUC({ numThresholds: 20 })],
  });
  return model;
}

class Recorder extends callbacks.Callback {
  ends: [number, Logs][] = [];
  begins: number[] = [];
  override onTrainBatchBegin(batch: number): Promise<void> {
    this.begins.push(batch);
    return Promise.resolve();
  }
  override onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    this.ends.push([batch, { ...logs }]);
    return Promise.resolve();
  }
}

function assertClose(actual: number[], expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => {
    assert.ok(
      Math.abs(v - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])),
      `entry ${i}: ${v} vs ${expected[i]}`,
    );
  });
}

Deno.test("fit with deferred reads matches the synchronous loop, epoch by epoch", async () => {
  const { x, y } = data(96);
  const before = tf.memory().numTensors;
  const syncModel = classifier();
  const a = await syncModel.fit(x, y, {
    epochs: 3,
    batchSize: 16,
    validationSplit: 0.25,
    verbose: 0,
  });
  const asyncModel = classifier();
  const recorder = new Recorder();
  const b = await deferred(() =>
    asyncModel.fit(x, y, {
      epochs: 3,
      batchSize: 16,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [recorder],
    })
  );
  assert.deepEqual(Object.keys(b.history).sort(), Object.keys(a.history).sort());
  for (const key of Object.keys(a.history)) assertClose(b.history[key], a.history[key]);
  // the batch hooks get numbers, at least once an epoch, the last for the epoch's last step
  assert.ok(recorder.ends.length >= 3);
  for (const [, logs] of recorder.ends) {
    for (const v of Object.values(logs)) assert.equal(typeof v, "number");
  }
  assert.equal(recorder.ends.filter(([i]) => i === 4).length, 3); // 72 samples / 16: steps 0..4
  assert.equal(recorder.begins.length, recorder.ends.length);
  syncModel.dispose();
  asyncModel.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
});

/** Every batch hook in call order, with the logs' values at each end. */
class Sequence extends callbacks.Callback {
  events: string[] = [];
  logs = new Map<number, Logs>();
  override onTrainBatchBegin(batch: number): Promise<void> {
    this.events.push(`begin ${batch}`);
    return Promise.resolve();
  }
  override onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    this.events.push(`end ${batch}`);
    this.logs.set(batch, { ...logs });
    return Promise.resolve();
  }
}

Deno.test("deferred reads started each step and finished the next give each step's synchronous logs", async () => {
  const { x, y } = data(80);
  const sync = new Sequence();
  const syncModel = classifier();
  await syncModel.fit(x, y, {
    epochs: 1,
    batchSize: 8,
    verbose: 0,
    shuffle: false,
    callbacks: [sync],
  });
  syncModel.dispose();
  const piped = new Sequence();
  const before = tf.memory().numTensors;
  const pipedModel = classifier();
  forceReadInterval(0); // a read starts after every step; the hooks hear of it after the next
  try {
    await deferred(() =>
      pipedModel.fit(x, y, {
        epochs: 1,
        batchSize: 8,
        verbose: 0,
        shuffle: false,
        callbacks: [piped],
      })
    );
  } finally {
    forceReadInterval(null);
  }
  pipedModel.dispose();
  assert.equal(tf.memory().numTensors, before);
  // the hooks alternate, one begin and one end for every step, as in the synchronous loop
  assert.deepEqual(piped.events, sync.events);
  assert.equal(sync.logs.size, 10);
  // each step's logs: the running loss and metrics up to that step, not later ones
  for (const [batch, expected] of sync.logs) {
    const got = piped.logs.get(batch)!;
    assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort());
    for (const k of Object.keys(expected)) {
      assertClose([got[k] as number], [expected[k] as number]);
    }
  }
  tf.dispose([x, y]);
});

Deno.test("a run ending early leaves no tensor behind: a step failing while a read is under way, a failing hook", async () => {
  const { x, y } = data(64);
  let calls = 0;
  class Failing extends Model {
    dense = new layers.Dense(1);
    override call(inputs: tf.Tensor): tf.Tensor {
      return this.dense.apply(inputs);
    }
    override trainStep(): Record<string, tf.Tensor> {
      if (++calls === 5) throw new Error("step 4 failed");
      return { three: tf.scalar(3), pair: tf.tensor1d([1, 2]) };
    }
  }
  class FailingHook extends callbacks.Callback {
    override onTrainBatchEnd(batch: number): Promise<void> {
      if (batch === 3) throw new Error("hook failed at step 3");
      return Promise.resolve();
    }
  }
  const before = tf.memory().numTensors;
  const own = new Failing();
  own.compile({ optimizer: "sgd", loss: "mse" });
  const compiled = classifier();
  forceReadInterval(0); // a read after every step: step 3's is under way when step 4 runs
  try {
    await assert.rejects(
      deferred(() => own.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 })),
      /step 4 failed/,
    );
    // the metrics' sums stay on the device until a reset; dispose frees them
    await assert.rejects(
      deferred(() =>
        compiled.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [new FailingHook()] })
      ),
      /hook failed at step 3/,
    );
  } finally {
    forceReadInterval(null);
  }
  own.dispose();
  compiled.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
});

Deno.test("evaluate with deferred reads gives the synchronous results", async () => {
  const { x, y } = data(50);
  const model = classifier();
  const expected = await model.evaluate(x, y, { batchSize: 8 });
  const before = tf.memory().numTensors;
  const got = await deferred(() => model.evaluate(x, y, { batchSize: 8 }));
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort());
  for (const k of Object.keys(expected)) assertClose([got[k]], [expected[k]]);
  model.dispose();
  tf.dispose([x, y]);
});

Deno.test("TerminateOnNaN and EarlyStopping still stop fit with deferred reads", async () => {
  const { x, y } = data(32);
  const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 1e30 }), loss: "mse" });
  const log = console.log;
  console.log = () => {}; // TerminateOnNaN's line
  const h = await deferred(() =>
    model.fit(x, y, {
      epochs: 5,
      batchSize: 2,
      verbose: 0,
      callbacks: [new callbacks.TerminateOnNaN()],
    })
  ).finally(() => console.log = log);
  assert.equal(h.epoch.length, 1);
  assert.ok(!Number.isFinite(h.history.loss[0]));
  const again = classifier();
  const stop = new callbacks.EarlyStopping({ monitor: "loss", patience: 0, minDelta: 10 });
  const h2 = await deferred(() =>
    again.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, callbacks: [stop] })
  );
  assert.equal(h2.epoch.length, 2); // no epoch improves by 10: stops after the second
  tf.dispose([x, y]);
  model.dispose();
  again.dispose();
});

Deno.test("a trainStep of its own returning tensors is read after the step with deferred reads", async () => {
  const { x, y } = data(24);
  class Own extends Model {
    dense = new layers.Dense(1, { kernelInitializer: "ones" });
    override call(inputs: tf.Tensor): tf.Tensor {
      return this.dense.apply(inputs);
    }
    override trainStep(): Record<string, tf.Tensor | number> {
      return { three: tf.scalar(3), pair: tf.tensor1d([1, 2]), seven: 7 };
    }
  }
  const model = new Own();
  model.compile({ optimizer: "sgd", loss: "mse" });
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // builds the weights
  const before = tf.memory().numTensors;
  for (const interval of [null, 0]) { // 0: a read after every step, finished after the next
    forceReadInterval(interval);
    const h = await deferred(() => model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 }))
      .finally(() => forceReadInterval(null));
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(h.history.three, [3, 3]);
    assert.deepEqual(h.history.pair_1, [2, 2]);
    assert.deepEqual(h.history.seven, [7, 7]);
  }
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("Metric.readDeviceStates reads Mean, Precision and AUC state from the device", async () => {
  const mean = new metrics.Mean();
  const precision = new metrics.Precision({ thresholds: [0.3, 0.6] });
  const tp = new metrics.TruePositives();
  const yTrue = tf.tensor1d([1, 0, 1, 1, 0]);
  const yPred = tf.tensor1d([0.9, 0.7, 0.4, NaN, 0.1]);
  const before = tf.memory().numTensors;
  await deferred(async () => {
    tf.tidy(() => {
      mean.updateState(tf.tensor1d([1, 3, 5, 7]), tf.tensor1d([1, 1, 0, 0]));
      mean.updateState(tf.tensor1d([6]));
      precision.updateState(yTrue, yPred);
      tp.updateState(yTrue, yPred);
    });
    assert.ok(mean.hasDeviceState && precision.hasDeviceState && tp.hasDeviceState);
    await metrics.Metric.readDeviceStates([mean, precision, tp]);
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(mean.result(), (1 + 3 + 6) / 3); // (1*1 + 3*1 + 6) / (1 + 1 + 1)
  // thresholds 0.3: predicted positive 0.9 (tp), 0.7 (fp), 0.4 (tp); NaN skipped
  // thresholds 0.6: 0.9 (tp), 0.7 (fp)
  assert.deepEqual(precision.results(), [2 / 3, 1 / 2]);
  assert.equal(tp.result(), 1); // threshold 0.5: only 0.9
  // a result read synchronously settles what is still on the device (CPU backends)
  await deferred(() => tf.tidy(() => mean.updateState(tf.tensor1d([0]))));
  assert.equal(mean.result(), 10 / 4);
  mean.resetState();
  assert.equal(mean.result(), 0);
  tf.dispose([yTrue, yPred]);
});
