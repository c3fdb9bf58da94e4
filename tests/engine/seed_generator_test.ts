import assert from "node:assert/strict";
import { callbacks, layers, SeedGenerator, Sequential, setSeed, tf } from "../../mod.ts";

Deno.test("SeedGenerator with one seed gives one stream, and its state replays it", () => {
  const a = new SeedGenerator(5);
  const b = new SeedGenerator(5);
  const first = [a.next(), a.next(), a.next()];
  assert.deepEqual([b.next(), b.next(), b.next()], first);
  assert.ok(first.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31));
  const state = a.state;
  const next = [a.next(), ...a.permutation(6)];
  a.state = state;
  assert.deepEqual([a.next(), ...a.permutation(6)], next);
  assert.deepEqual(a.getConfig(), { seed: 5 });
  assert.throws(() => new SeedGenerator(Number.NaN), TypeError);
  assert.throws(() => (a.state = -1), RangeError);
});

Deno.test("SeedGenerator without a seed is repeatable under setSeed", () => {
  setSeed(11);
  const a = new SeedGenerator();
  setSeed(11);
  const b = new SeedGenerator();
  assert.equal(a.seed, null);
  assert.deepEqual([a.next(), a.next()], [b.next(), b.next()]);
});

Deno.test("Layer weights depend on the seed at the layer's creation, not on later draws", () => {
  const x = tf.ones([2, 3]);
  setSeed(4);
  const alone = new layers.Dense(5);
  alone.apply(x).dispose();
  setSeed(4);
  const meanwhile = new layers.Dense(5);
  const other = new layers.Dense(5); // draws from the global generator in between
  other.apply(x).dispose();
  meanwhile.apply(x).dispose();
  assert.deepEqual(meanwhile.weights[0].dataSync(), alone.weights[0].dataSync());
  assert.notDeepEqual(other.weights[0].dataSync(), alone.weights[0].dataSync());
  tf.dispose(x);
  for (const l of [alone, meanwhile, other]) l.dispose();
});

/** A model built lazily in fit (initialisers), with dropout, trained with shuffling. */
function makeModel(seed: number): Sequential {
  setSeed(seed);
  const model = new Sequential([
    new layers.Dense(6, { activation: "relu" }),
    new layers.Dropout(0.4),
    new layers.Dense(1),
  ]);
  model.compile({ optimizer: "adam", loss: "mse" });
  return model;
}

/** Records which model trained each batch. */
class Tag extends callbacks.Callback {
  constructor(readonly label: string, readonly log: string[]) {
    super();
  }
  override onTrainBatchEnd(): Promise<void> {
    this.log.push(this.label);
    return Promise.resolve();
  }
}

Deno.test("fit calls interleaved with Promise.all give each model its weights alone", async () => {
  const x = tf.randomNormal([24, 3], 0, 1, "float32", 1);
  const y = tf.randomNormal([24, 1], 0, 1, "float32", 2);
  const options = { epochs: 3, batchSize: 4, shuffle: true, verbose: 0 as const };
  const weightsOf = (m: Sequential) => m.weights.map((w) => Array.from(w.dataSync()));

  const aloneA = makeModel(1);
  await aloneA.fit(x, y, options);
  const aloneB = makeModel(2);
  await aloneB.fit(x, y, options);

  const log: string[] = [];
  const a = makeModel(1);
  const b = makeModel(2);
  await Promise.all([
    a.fit(x, y, { ...options, callbacks: [new Tag("a", log)] }),
    b.fit(x, y, { ...options, callbacks: [new Tag("b", log)] }),
  ]);
  assert.ok(log.slice(0, 4).includes("b"), `the fits interleave: ${log.join("")}`);
  assert.deepEqual(weightsOf(a), weightsOf(aloneA));
  assert.deepEqual(weightsOf(b), weightsOf(aloneB));
  assert.notDeepEqual(weightsOf(a), weightsOf(b));
  tf.dispose([x, y]);
  for (const m of [aloneA, aloneB, a, b]) m.dispose();
});
