import assert from "node:assert/strict";
import { callbacks, Dataset, layers, Sequential, setSeed, tf } from "../../mod.ts";

/** Points in the unit square, labelled 1 above the diagonal x1 + x2 = 1. */
function* points(n: number, seed: number): Generator<[Float32Array, number]> {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < n; i++) {
    const a = next();
    const b = next();
    yield [Float32Array.of(a, b), a + b > 1 ? 1 : 0];
  }
}

function classifier(): Sequential {
  setSeed(1);
  const model = new Sequential([
    new layers.Dense(16, { activation: "relu", inputShape: [2] }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
  return model;
}

class BatchCounter extends callbacks.Callback {
  train = 0;
  test = 0;
  override onTrainBatchEnd(): Promise<void> {
    this.train++;
    return Promise.resolve();
  }
  override onTestBatchEnd(): Promise<void> {
    this.test++;
    return Promise.resolve();
  }
}

Deno.test("fit on a CSV stream learns, validates on a Dataset and leaks nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/points.csv`;
    const lines = ["x1,x2,label"];
    for (const [f, y] of points(2000, 3)) lines.push(`${f[0]},${f[1]},${y}`);
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const model = classifier();
    const train = Dataset.csv(path, { label: "label" }).take(1600).shuffle(500, { seed: 1 }).batch(
      32,
    ).prefetch(2);
    const val = Dataset.csv(path, { label: "label" }).skip(1600).batch(100);
    await model.fit(train, undefined, { epochs: 1, verbose: 0 }); // builds the weights and slots
    const before = tf.memory().numTensors;
    const history = await model.fit(train, undefined, {
      epochs: 15,
      verbose: 0,
      validationData: val,
    });
    const acc = history.history.val_accuracy.at(-1)!;
    assert.ok(acc > 0.9, `validation accuracy ${acc}`);
    const logs = await model.evaluate(val, undefined, { steps: 2 });
    assert.ok(logs.accuracy > 0.85, `accuracy ${logs.accuracy}`);
    assert.equal(tf.memory().numTensors, before);
    // predict reads an asynchronous dataset through predictAsync only.
    const features = val.map(([x]) => x);
    assert.throws(() => model.predict(features), /use await model\.predictAsync\(dataset\)/);
    const p = await model.predictAsync(features);
    assert.deepEqual(p.shape, [400, 1]);
    p.dispose();
    assert.equal(tf.memory().numTensors, before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit on a dataset of unknown length shows a count (12/Unknown) in the first epoch, then the length", async () => {
  const model = classifier();
  const lines: string[] = [];
  const logger = new callbacks.ProgbarLogger({
    write: (t) => lines.push(t),
    isTerminal: true,
    interval: 0,
  });
  const ds = Dataset.fromGenerator(() => points(90, 1)).batch(30);
  assert.equal(ds.cardinality(), null);
  await model.fit(ds, undefined, { epochs: 2, verbose: 1, callbacks: [logger] });
  const text = lines.join("");
  const [first, second] = text.split("Epoch 2/2");
  assert.match(first, /\r {6}1\/Unknown - /);
  assert.match(first, /\r {6}3\/Unknown - /);
  assert.match(second, /\r1\/3 \[=*>?\.*\] - ETA/);
  assert.match(second, /3\/3 \[={30}\]/);
});

Deno.test("fit on an endless dataset needs stepsPerEpoch, and runs that many steps per epoch", async () => {
  const model = classifier();
  const endless = Dataset.fromGenerator(() => points(64, 2)).batch(16).repeat();
  assert.equal(endless.cardinality(), Infinity);
  await assert.rejects(
    () => model.fit(endless, undefined, { epochs: 1, verbose: 0 }),
    /Cannot fit on an endless Dataset \(repeat\(\) without a count\) without "stepsPerEpoch"/,
  );
  const counter = new BatchCounter();
  const val = Dataset.fromGenerator(() => points(64, 5)).batch(16).repeat();
  await model.fit(endless, undefined, {
    epochs: 3,
    stepsPerEpoch: 5,
    verbose: 0,
    callbacks: [counter],
    validationData: val,
    validationSteps: 2,
  });
  assert.equal(counter.train, 15);
  assert.equal(counter.test, 6);
});

Deno.test("fit with stepsPerEpoch on a finite dataset ends an epoch early when the pass runs out, as Keras 3", async () => {
  const model = classifier();
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.join(" "));
  try {
    // 4 batches a pass, stepsPerEpoch 6: each epoch reads one whole pass (4 steps) and stops.
    const longer = new BatchCounter();
    await model.fit(Dataset.fromGenerator(() => points(64, 2)).batch(16), undefined, {
      epochs: 2,
      stepsPerEpoch: 6,
      verbose: 0,
      callbacks: [longer],
    });
    assert.equal(longer.train, 8);
    assert.equal(warnings.length, 1, "one warning per fit");
    assert.match(warnings[0], /ran out of data after 4 of stepsPerEpoch=6 steps/);
    assert.match(warnings[0], /repeat\(\)/);
    // stepsPerEpoch 3 over 4 batches: a pass runs on across epochs: 3, then 1 (ran out), then a new pass: 3, 1.
    warnings.length = 0;
    const shorter = new BatchCounter();
    const seen: number[] = [];
    const perEpoch = new class extends callbacks.Callback {
      override onEpochEnd(): Promise<void> {
        seen.push(shorter.train);
        return Promise.resolve();
      }
    }();
    await model.fit(Dataset.fromGenerator(() => points(64, 2)).batch(16), undefined, {
      epochs: 4,
      stepsPerEpoch: 3,
      verbose: 0,
      callbacks: [shorter, perEpoch],
    });
    assert.deepEqual(seen, [3, 4, 7, 8]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /after 1 of stepsPerEpoch=3 steps/);
    // A pass used up exactly at an epoch's end: the next epoch starts a new pass, no warning.
    warnings.length = 0;
    const exact = new BatchCounter();
    await model.fit(Dataset.fromGenerator(() => points(64, 2)).batch(16), undefined, {
      epochs: 3,
      stepsPerEpoch: 2,
      verbose: 0,
      callbacks: [exact],
    });
    assert.equal(exact.train, 6);
    assert.deepEqual(warnings, []);
  } finally {
    console.warn = warn;
  }
});

Deno.test("fit refuses a dataset that was not batched, naming the value", async () => {
  const model = classifier();
  await assert.rejects(
    () =>
      model.fit(Dataset.fromGenerator(() => points(4, 1)), undefined, { epochs: 1, verbose: 0 }),
    /Cannot fit on this Dataset as the value at "\[0\]" is not a tensor: received Float32Array; batch the dataset first/,
  );
});

Deno.test("fit reads a synchronous Dataset of arrays as before, with its length known", async () => {
  const model = classifier();
  const x: number[][] = [];
  const y: number[] = [];
  for (const [f, label] of points(64, 4)) {
    x.push(Array.from(f));
    y.push(label);
  }
  const ds = Dataset.fromArrays(x, y).shuffle(64, { seed: 1 }).batch(16);
  assert.equal(ds.cardinality(), 4);
  const lines: string[] = [];
  const logger = new callbacks.ProgbarLogger({ write: (t) => lines.push(t), isTerminal: false });
  await model.fit(ds, undefined, { epochs: 1, verbose: 2, callbacks: [logger] });
  assert.match(lines.join(""), /4\/4 - /);
  const p = model.predict(ds.map(([xb]) => xb));
  assert.deepEqual(p.shape, [64, 1]);
  p.dispose();
});

Deno.test("fit on a stream that throws mid-epoch rejects with its error, closes the CSV file and leaks nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = classifier();
    const path = `${dir}/bad.csv`;
    // Row 41 (line 42) holds a word in a numeric column: the third batch of 16 fails.
    const lines = ["x1,x2,label"];
    for (const [x, y] of points(80, 3)) lines.push(`${x[0]},${x[1]},${y}`);
    lines[41] = "0.5,oops,1";
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    // One step first, so that the optimizer's state (made at the first step) is counted in `before`.
    await model.fit(Dataset.fromGenerator(() => points(16, 1)).batch(16), undefined, {
      verbose: 0,
    });
    const before = tf.memory().numTensors;
    const counter = new BatchCounter();
    await assert.rejects(
      () =>
        model.fit(Dataset.csv(path, { label: "label" }).batch(16).prefetch(2), undefined, {
          epochs: 2,
          verbose: 0,
          callbacks: [counter],
        }),
      /line 42.*x2|x2.*line 42/,
    );
    assert.equal(counter.train, 2);
    const thrower = Dataset.fromGenerator(async function* () {
      yield* points(40, 4);
      throw new Error("the source broke");
    }).batch(16);
    await assert.rejects(
      () => model.evaluate(thrower, undefined, { verbose: 0 }),
      /the source broke/,
    );
    assert.equal(tf.memory().numTensors, before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
