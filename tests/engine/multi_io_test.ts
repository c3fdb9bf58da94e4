// Multi-input, multi-output training (issue 12, item 2): data as arrays or
// records keyed by input/output names, per-output losses, weights and
// metrics, Keras 3's log names, and predict's structure.
import assert from "node:assert/strict";
import { Dataset, Input, layers, Model, setSeed, tf } from "../../mod.ts";

/**
 * Two inputs `a` [2] and `b` [1], two outputs: `sum` = Dense(1) over
 * concat(a, b) with kernel [1, 1, 1] and no bias (so sum = a0 + a1 + b),
 * and `twice` = Dense(1) over b with kernel [2] (so twice = 2b).
 */
function twoByTwo(): Model {
  const a = Input({ shape: [2], name: "a" });
  const b = Input({ shape: [1], name: "b" });
  const sumLayer = new layers.Dense(1, { useBias: false, name: "sum" });
  const twiceLayer = new layers.Dense(1, { useBias: false, name: "twice" });
  const sum = sumLayer.apply(layers.concatenate([a, b]));
  const twice = twiceLayer.apply(b);
  const model = new Model({ inputs: [a, b], outputs: { sum, twice } });
  tf.tidy(() => {
    sumLayer.setWeights([tf.tensor2d([[1], [1], [1]])]);
    twiceLayer.setWeights([tf.tensor2d([[2]])]);
  });
  return model;
}

const A = [[1, 2], [0, 1], [3, -1], [2, 2], [-1, 0]];
const B = [[1], [2], [0], [-1], [3]];
// Targets chosen so that the errors are easy: sum = a0 + a1 + b, twice = 2b.
const SUM = [[4], [3], [3], [3], [2]]; // predictions 4, 3, 2, 3, 2: errors 0, 0, -1, 0, 0
const TWICE = [[2], [5], [0], [-2], [6]]; // predictions 2, 4, 0, -2, 6: errors 0, -1, 0, 0, 0

Deno.test("evaluate weighs each output's loss and logs <output>_loss as Keras 3 does", async () => {
  const model = twoByTwo();
  model.compile({
    optimizer: "sgd",
    loss: { sum: "mse", twice: "mae" },
    lossWeights: { sum: 2, twice: 0.5 },
    metrics: { twice: ["mse"] },
  });
  const x = { a: tf.tensor2d(A), b: tf.tensor2d(B) };
  const y = { sum: tf.tensor2d(SUM), twice: tf.tensor2d(TWICE) };
  const logs = await model.evaluate(x, y, { batchSize: 5, verbose: 0 });
  // mse(sum) = 1/5, mae(twice) = 1/5, mse(twice) = 1/5; per-output losses are weighted.
  const close = (got: number, want: number) => assert.ok(Math.abs(got - want) < 1e-6, `${got}`);
  close(logs.sum_loss, 2 * 0.2);
  close(logs.twice_loss, 0.5 * 0.2);
  close(logs.loss, 2 * 0.2 + 0.5 * 0.2);
  close(logs.twice_mse, 0.2);
  assert.deepEqual(Object.keys(logs).sort(), ["loss", "sum_loss", "twice_loss", "twice_mse"]);
  tf.dispose([x.a, x.b, y.sum, y.twice]);
  model.dispose();
});

Deno.test("loss and lossWeights as arrays follow the outputs' order; one loss serves every output", async () => {
  const model = twoByTwo();
  const x = [tf.tensor2d(A), tf.tensor2d(B)];
  const y = [tf.tensor2d(SUM), tf.tensor2d(TWICE)];
  model.compile({ optimizer: "sgd", loss: ["mae", "mse"], lossWeights: [1, 3] });
  let logs = await model.evaluate(x, y, { verbose: 0 });
  assert.ok(Math.abs(logs.sum_loss - 0.2) < 1e-6);
  assert.ok(Math.abs(logs.twice_loss - 0.6) < 1e-6);
  model.compile({ optimizer: "sgd", loss: "mse" });
  logs = await model.evaluate(x, y, { verbose: 0 });
  assert.ok(Math.abs(logs.loss - 0.4) < 1e-6);
  tf.dispose([...x, ...y]);
  model.dispose();
});

Deno.test("fit logs loss, <output>_loss, <output>_<metric> and their val_ forms", async () => {
  setSeed(3);
  const model = twoByTwo();
  model.compile({
    optimizer: "sgd",
    loss: { sum: "mse", twice: "mse" },
    metrics: { sum: ["mae"], twice: ["mae"] },
  });
  const x = { a: tf.tensor2d(A), b: tf.tensor2d(B) };
  const y = { sum: tf.tensor2d(SUM), twice: tf.tensor2d(TWICE) };
  const h = await model.fit(x, y, { epochs: 2, batchSize: 2, validationSplit: 0.4, verbose: 0 });
  const keys = Object.keys(h.history).sort();
  assert.deepEqual(keys, [
    "learning_rate",
    "loss",
    "sum_loss",
    "sum_mae",
    "twice_loss",
    "twice_mae",
    "val_loss",
    "val_sum_loss",
    "val_sum_mae",
    "val_twice_loss",
    "val_twice_mae",
  ]);
  for (const k of keys) assert.equal(h.history[k].length, 2);
  tf.dispose([x.a, x.b, y.sum, y.twice]);
  model.dispose();
});

Deno.test("validationSplit takes the same last samples of every input and output", async () => {
  const model = twoByTwo();
  model.compile({ optimizer: "sgd", loss: { sum: "mse", twice: "mse" } });
  const x = { a: tf.tensor2d(A), b: tf.tensor2d(B) };
  const y = { sum: tf.tensor2d(SUM), twice: tf.tensor2d(TWICE) };
  // The last 2 of 5 samples: sample 3 (errors 0, 0) and 4 (errors 0, 0): all exact.
  // A learning rate of 0 keeps the weights, so val_loss is the loss of those samples.
  model.optimizer.learningRate = 0;
  const h = await model.fit(x, y, { epochs: 1, validationSplit: 0.4, verbose: 0 });
  assert.equal(h.history.val_loss[0], 0);
  // The first 3 samples hold both errors: training loss = 1/3 + 1/3.
  assert.ok(Math.abs(h.history.loss[0] - 2 / 3) < 1e-6, String(h.history.loss[0]));
  tf.dispose([x.a, x.b, y.sum, y.twice]);
  model.dispose();
});

Deno.test("records and arrays of data train the same model to the same weights", async () => {
  const run = async (asRecord: boolean) => {
    setSeed(11);
    const model = twoByTwo();
    model.compile({ optimizer: "adam", loss: ["mse", "mse"] });
    const [a, b, s, t] = [A, B, SUM, TWICE].map((v) => tf.tensor2d(v));
    await model.fit(
      asRecord ? { a, b } : [a, b],
      asRecord ? { sum: s, twice: t } : [s, t],
      { epochs: 3, batchSize: 2, verbose: 0 },
    );
    const w = model.getWeights().map((v) => Array.from(v.dataSync()));
    tf.dispose([a, b, s, t]);
    model.dispose();
    return w;
  };
  assert.deepEqual(await run(true), await run(false));
});

Deno.test("predict returns the outputs' structure, batches joined; nested arrays work for several inputs", () => {
  const model = twoByTwo();
  const before = tf.memory().numTensors;
  const out = model.predict<Record<string, tf.Tensor>>([A, B], { batchSize: 2 });
  assert.deepEqual(Object.keys(out), ["sum", "twice"]);
  assert.deepEqual(Array.from(out.sum.dataSync()), [4, 3, 2, 3, 2]);
  assert.deepEqual(Array.from(out.twice.dataSync()), [2, 4, 0, -2, 6]);
  tf.dispose(out);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("a Dataset of records trains and evaluates like the arrays", async () => {
  const model = twoByTwo();
  model.compile({ optimizer: "sgd", loss: { sum: "mse", twice: "mse" } });
  const ds = Dataset.fromArrays({ a: A, b: B }, { sum: SUM, twice: TWICE }).batch(5);
  const logs = await model.evaluate(ds, undefined, { verbose: 0 });
  assert.ok(Math.abs(logs.loss - 0.4) < 1e-6, String(logs.loss));
  const before = tf.memory().numTensors;
  await model.fit(ds, undefined, { epochs: 2, verbose: 0 });
  await model.fit(ds, undefined, { epochs: 1, verbose: 0 });
  const afterFirst = tf.memory().numTensors;
  await model.fit(ds, undefined, { epochs: 1, verbose: 0 });
  assert.equal(tf.memory().numTensors, afterFirst);
  assert.ok(afterFirst >= before);
  model.dispose();
});

Deno.test("trainOnBatch and testOnBatch take records; the loss falls", () => {
  setSeed(5);
  const model = twoByTwo();
  model.compile({ optimizer: "sgd", loss: { sum: "mse", twice: "mse" } });
  const x = { a: A, b: B };
  const y = { sum: SUM, twice: TWICE };
  const first = model.testOnBatch(x, y).loss;
  for (let i = 0; i < 5; i++) model.trainOnBatch(x, y);
  assert.ok(model.testOnBatch(x, y).loss < first);
  model.dispose();
});

Deno.test("data whose keys or count do not match the model's inputs/outputs are refused by name", async () => {
  const model = twoByTwo();
  model.compile({ optimizer: "sgd", loss: { sum: "mse", twice: "mse" } });
  await assert.rejects(
    () => model.fit({ a: A, c: B }, { sum: SUM, twice: TWICE }, { verbose: 0 }),
    /expected 2 inputs \("a", "b"\), received "a", "c"; missing "b"/,
  );
  await assert.rejects(
    () => model.fit({ a: A, b: B }, { sum: SUM, twce: TWICE }, { verbose: 0 }),
    /keys of "y" do not match its outputs: expected "sum", "twice", received "sum", "twce"/,
  );
  assert.throws(() => model.predict([tf.tensor2d(A)]), /takes 2 inputs \("a", "b"\): received 1/);
  await assert.rejects(
    () => model.fit({ a: A, b: [[1], [2]] }, { sum: SUM, twice: TWICE }, { verbose: 0 }),
    /x\.a holds 5, x\.b holds 2/,
  );
  model.dispose();
});

Deno.test("compile refuses losses, weights and metrics that do not fit the outputs", () => {
  const model = twoByTwo();
  assert.throws(
    () => model.compile({ loss: { sum: "mse" } }),
    /"loss" has no entry for output "twice": give it a loss, or null/,
  );
  assert.throws(
    () => model.compile({ loss: { sum: "mse", twice: "mse", other: "mse" } }),
    /"loss" names an output the model does not have: "other"; its outputs are "sum", "twice"/,
  );
  assert.throws(
    () => model.compile({ loss: ["mse"] }),
    /"loss" holds 1 entries for 2 outputs \("sum", "twice"\)/,
  );
  assert.throws(
    () => model.compile({ loss: "mse", lossWeights: [1, 2, 3] }),
    /"lossWeights" holds 3 entries for 2 outputs/,
  );
  assert.throws(
    () => model.compile({ loss: "mse", metrics: [["mae"]] }),
    /"metrics" holds 1 arrays for 2 outputs/,
  );
  // null: that output trains without a loss.
  model.compile({ optimizer: "sgd", loss: { sum: "mse", twice: null } });
  assert.equal(model.compiled!.outputs[1].loss, null);
  model.dispose();
});

Deno.test("a symbolic tensor given to fit or predict is refused: they take data", async () => {
  const model = twoByTwo();
  model.compile({ optimizer: "sgd", loss: "mse" });
  const [a, b] = model.inputs;
  assert.throws(() => model.predict([a, b] as never), /is a symbolic tensor .*take data/);
  await assert.rejects(
    () => model.fit(a as never, SUM, { verbose: 0 }),
    /"x" as it is a symbolic tensor/,
  );
  model.dispose();
});

Deno.test("computeLoss in a custom trainStep sees every output; metrics updated by name", async () => {
  class Custom extends Model {
    steps = 0;
    override trainStep(data: unknown) {
      this.steps++;
      return super.trainStep(data as never);
    }
  }
  const a = Input({ shape: [2], name: "a" });
  const first = new layers.Dense(1, { name: "first" }).apply(a);
  const second = new layers.Dense(1, { name: "second" }).apply(a);
  const model = new Custom({ inputs: a, outputs: [first, second] });
  model.compile({ optimizer: "sgd", loss: ["mse", "mae"], metrics: ["mse"] });
  const h = await model.fit(A, [SUM, TWICE], { epochs: 1, batchSize: 5, verbose: 0 });
  assert.equal(model.steps, 1);
  assert.deepEqual(
    Object.keys(h.history).sort(),
    ["first_loss", "first_mse", "learning_rate", "loss", "second_loss", "second_mse"],
  );
  assert.ok(
    Math.abs(h.history.loss[0] - (h.history.first_loss[0] + h.history.second_loss[0])) < 1e-5,
  );
  model.dispose();
});
