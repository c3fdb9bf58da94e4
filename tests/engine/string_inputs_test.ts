import assert from "node:assert/strict";
import {
  Dataset,
  Input,
  Layer,
  layers,
  Model,
  optimizers,
  Sequential,
  setSeed,
  tf,
} from "../../mod.ts";

/**
 * Test-only: maps each string to its length / 10 (one feature per sample),
 * so a model can learn from raw strings before any text layer exists.
 */
class StringLength extends Layer {
  constructor() {
    super();
    this.autoCast = false; // strings reach `call` as they are
  }
  override call(inputs: tf.Tensor): tf.Tensor {
    if (inputs.dtype !== "string") throw new TypeError(`expected strings, got ${inputs.dtype}`);
    const words = inputs.dataSync() as unknown as string[];
    return tf.tensor2d(words.map((w) => w.length / 10), [inputs.shape[0], 1]);
  }
}

// Long strings (length ≥ 6) are class 1, short ones class 0: a rule one
// Dense unit on the length learns.
const WORDS = [
  "a",
  "to",
  "cat",
  "dog",
  "tree",
  "sun",
  "elephant",
  "mountain",
  "butterfly",
  "horizon",
];
const TEXTS = Array.from({ length: 60 }, (_, i) => WORDS[i % WORDS.length]);
const LABELS = TEXTS.map((w) => (w.length >= 6 ? 1 : 0));

function functionalModel(): Model {
  const inputs = Input({ shape: [1], dtype: "string", name: "text" });
  const outputs = new layers.Dense(1, { activation: "sigmoid" }).apply(
    new StringLength().apply(inputs),
  );
  return new Model({ inputs, outputs });
}

function compileFor(model: Model): void {
  model.compile({
    optimizer: new optimizers.Adam({ learningRate: 0.1 }),
    loss: "binary_crossentropy",
    metrics: ["accuracy"],
  });
}

Deno.test("Input takes dtype string; a layer called on it is probed with empty strings", () => {
  const input = Input({ shape: [1], dtype: "string" });
  assert.equal(input.dtype, "string");
  let probed: string[] = [];
  class Spy extends StringLength {
    override call(inputs: tf.Tensor): tf.Tensor {
      probed = inputs.dataSync() as unknown as string[];
      return super.call(inputs);
    }
  }
  const out = new Spy().apply(input);
  assert.deepEqual(probed, [""]);
  assert.deepEqual(out.shape, [null, 1]);
  assert.equal(out.dtype, "float32");
  assert.throws(
    () => Input({ shape: [1], dtype: "text" as "string" }),
    /"dtype" must be .*"string"/,
  );
});

Deno.test("a functional model on strings: fit, evaluate and predict take string[] and string[][]", async () => {
  setSeed(1);
  const model = functionalModel();
  compileFor(model);
  const history = await model.fit(TEXTS, LABELS, { epochs: 100, batchSize: 20, verbose: 0 });
  const before = tf.memory().numTensors;
  const losses = history.history.loss;
  assert.ok(losses[losses.length - 1] < losses[0] * 0.8, `loss ${losses[0]} -> ${losses.at(-1)}`);
  const logs = await model.evaluate(TEXTS.map((t) => [t]), LABELS, { verbose: 0 });
  assert.ok(logs.accuracy > 0.9, `accuracy ${logs.accuracy}`);
  // A flat string[] for shape [1], as Keras adjusts the rank; one column, one row per string.
  const p = model.predict(["elephants", "ox"]) as tf.Tensor;
  assert.deepEqual(p.shape, [2, 1]);
  const [long, short] = p.dataSync();
  assert.ok(long > 0.5 && short < 0.5, `${long} ${short}`);
  p.dispose();
  // A string tensor, either rank.
  for (const t of [tf.tensor(["giraffes", "ox"]), tf.tensor([["giraffes"], ["ox"]])]) {
    const q = model.predict(t) as tf.Tensor;
    assert.deepEqual(Array.from(q.dataSync()).map((v) => v > 0.5), [true, false]);
    tf.dispose([q, t]);
  }
  // model.apply on a rank-1 string tensor, too.
  const raw = tf.tensor(["giraffes"]);
  const y = model.apply(raw);
  assert.deepEqual(y.shape, [1, 1]);
  tf.dispose([raw, y]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("a Sequential model starting at a string Input trains on strings, with validationSplit", async () => {
  setSeed(2);
  const model = new Sequential([
    Input({ shape: [1], dtype: "string" }),
    new StringLength(),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  compileFor(model);
  const history = await model.fit(TEXTS, LABELS, {
    epochs: 100,
    batchSize: 16,
    verbose: 0,
    validationSplit: 0.25,
  });
  assert.equal(history.history.val_loss.length, 100);
  const logs = await model.evaluate(TEXTS, LABELS, { verbose: 0 });
  assert.ok(logs.accuracy > 0.9, `accuracy ${logs.accuracy}`);
  const p = model.predict(["butterflies", "ox"]) as tf.Tensor;
  assert.deepEqual(Array.from(p.dataSync()).map((v) => v > 0.5), [true, false]);
  p.dispose();
});

Deno.test("Dataset.fromArrays takes strings: batches, shuffles and slices string columns", async () => {
  const ds = Dataset.fromArrays(["a", "bb", "ccc", "dddd", "eeeee"], [1, 2, 3, 4, 5]);
  const seen: string[][] = [];
  for (const [xb, yb] of ds.shuffle(5, { seed: 4 }).batch(2)) {
    assert.equal(xb.dtype, "string");
    const words = xb.dataSync() as unknown as string[];
    // Rows stay paired with their labels through the shuffle.
    assert.deepEqual(words.map((w) => w.length), Array.from(yb.dataSync()));
    seen.push(words);
  }
  assert.deepEqual(seen.flat().sort(), ["a", "bb", "ccc", "dddd", "eeeee"]);
  assert.deepEqual(seen.map((b) => b.length), [2, 2, 1]);
  const single: [number[], string[]][] = [];
  for (const t of Dataset.fromArrays([["x"], ["y"]]) as unknown as Iterable<tf.Tensor>) {
    single.push([t.shape, t.dataSync() as unknown as string[]]);
  }
  assert.deepEqual(single, [[[1], ["x"]], [[1], ["y"]]]);
  // fit and evaluate on a Dataset of strings (flat batches: the rank is adjusted).
  setSeed(3);
  const model = functionalModel();
  compileFor(model);
  const train = Dataset.fromArrays(TEXTS, LABELS).shuffle(60, { seed: 1 }).batch(20);
  await model.fit(train, undefined, { epochs: 1, verbose: 0 }); // creates the optimizer's slots
  const before = tf.memory().numTensors;
  await model.fit(train, undefined, { epochs: 2, verbose: 0 });
  const logs = await model.evaluate(Dataset.fromArrays(TEXTS, LABELS).batch(30), undefined, {
    verbose: 0,
  });
  assert.ok(Number.isFinite(logs.loss));
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("strings for a numeric input and numbers for a string input are refused, naming the input", async () => {
  const model = functionalModel();
  compileFor(model);
  await assert.rejects(
    () => model.fit([[1], [2]], [0, 1], { verbose: 0 }),
    /Cannot use "x" for input "text" as it holds numbers \(float32\): the input takes strings \(dtype "string", shape \(None, 1\)\)/,
  );
  assert.throws(
    () => model.predict(tf.tensor2d([[1], [2]])),
    /input "text" as it holds numbers \(float32\)/,
  );
  const raw = tf.tensor2d([[1]]);
  assert.throws(() => model.apply(raw), /input "text" takes strings \(dtype "string"\)/);
  raw.dispose();
  const numeric = new Sequential([Input({ shape: [2], name: "features" }), new layers.Dense(1)]);
  numeric.compile({ optimizer: "sgd", loss: "mse" });
  await assert.rejects(
    () => numeric.fit([["a", "b"]], [1], { verbose: 0 }),
    /Cannot use "x" for input "features" as it holds strings: the input takes numbers \(dtype "float32"/,
  );
  await assert.rejects(
    () => numeric.evaluate({ features: [["a", "b"]] }, [1], { verbose: 0 }),
    /"x.features" for input "features" as it holds strings/,
  );
  const s = tf.tensor([["a", "b"]]);
  assert.throws(() => numeric.predict(s), /input "features" as it holds strings/);
  s.dispose();
  // Targets and weights must be numbers; string arrays must be rectangular and all strings.
  await assert.rejects(
    () => model.fit(TEXTS, TEXTS, { verbose: 0 }),
    /Cannot use "y" as it holds strings: targets must be numbers/,
  );
  await assert.rejects(
    () => model.fit(["a", "b"], [0, 1], { sampleWeight: ["x", "y"] as never, verbose: 0 }),
    /"sampleWeight" as it holds strings: expected numbers/,
  );
  assert.throws(
    () => Dataset.fromArrays([["a"], ["b", "c"]]),
    /"x" as it is not a rectangular array of strings: the array at index \[1\] should hold 1 values/,
  );
  assert.throws(
    () => Dataset.fromArrays(["a", 2] as never),
    /"x" as it mixes strings and other values: received number 2 at index \[1\]/,
  );
});
