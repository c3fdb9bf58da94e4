import assert from "node:assert/strict";
import {
  type Layer,
  layers,
  loadModel,
  Model,
  registerSerializable,
  Sequential,
  setSeed,
  tf,
} from "../../mod.ts";
import { seedGeneratorsOf } from "../../engine/seed_generator.ts";
import {
  classifierData,
  predictValues,
  smallClassifier,
  tempDir,
  weightValues,
} from "./_helpers.ts";

/** Saves, loads, checks equal predictions, trains both one more epoch with the same seed, checks equal weights. */
async function roundTrip(model: Model, x: tf.Tensor, y: tf.Tensor, path: string): Promise<void> {
  await model.save(path);
  const loaded = await loadModel(path);
  try {
    assert.deepEqual(predictValues(loaded, x), predictValues(model, x));
    assert.equal(loaded.optimizer.iterations, model.optimizer.iterations);
    // Each model draws dropout masks and shuffles from its own SeedGenerators,
    // seeded when it was created and not saved (as Keras 3): start both from the same states.
    const states = seedGeneratorsOf(model).map((g) => g.state);
    setSeed(7);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    seedGeneratorsOf(loaded).forEach((g, i) => g.state = states[i]);
    setSeed(7);
    await loaded.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    assert.deepEqual(weightValues(loaded), weightValues(model));
  } finally {
    loaded.dispose();
  }
}

for (const format of ["TF.js directory", ".keras"] as const) {
  Deno.test(`loadModel round trip of a trained Sequential (${format}) predicts and trains on identically`, async () => {
    const { dir, cleanup } = await tempDir();
    const { x, y } = classifierData();
    const before = tf.memory().numTensors;
    const model = smallClassifier();
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    await roundTrip(model, x, y, format === ".keras" ? `${dir}/m.keras` : `${dir}/m`);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, y]);
    await cleanup();
  });
}

interface Case {
  name: string;
  build: () => Layer[];
  x: () => tf.Tensor;
  y: () => tf.Tensor;
}

const CASES: Case[] = [
  {
    name: "Dense, Dropout, Activation, BatchNormalization, LayerNormalization",
    build: () => [
      new layers.Dense(5, { inputShape: [4], kernelRegularizer: "l2" }),
      new layers.Activation("tanh"),
      new layers.BatchNormalization(),
      new layers.LayerNormalization(),
      new layers.Dropout(0.3),
      new layers.Dense(2),
    ],
    x: () => tf.randomNormal([8, 4], 0, 1, "float32", 1),
    y: () => tf.randomNormal([8, 2], 0, 1, "float32", 2),
  },
  {
    name: "Conv1D, MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D",
    build: () => [
      new layers.Conv1D(3, 2, { padding: "same", inputShape: [8, 2] }),
      new layers.MaxPooling1D(),
      new layers.AveragePooling1D({ poolSize: 2 }),
      new layers.GlobalMaxPooling1D(),
      new layers.Dense(2),
    ],
    x: () => tf.randomNormal([6, 8, 2], 0, 1, "float32", 3),
    y: () => tf.randomNormal([6, 2], 0, 1, "float32", 4),
  },
  {
    name: "Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Reshape, GlobalAveragePooling2D",
    build: () => [
      new layers.Conv2D(2, 3, { activation: "relu", inputShape: [8, 8, 1] }),
      new layers.MaxPooling2D(),
      new layers.AveragePooling2D({ poolSize: 1 }),
      new layers.Flatten(),
      new layers.Reshape([3, 3, 2]),
      new layers.GlobalAveragePooling2D(),
      new layers.Dense(2),
    ],
    x: () => tf.randomNormal([4, 8, 8, 1], 0, 1, "float32", 5),
    y: () => tf.randomNormal([4, 2], 0, 1, "float32", 6),
  },
  {
    name: "Embedding, GlobalAveragePooling1D, Conv2D-free GlobalMaxPooling2D",
    build: () => [
      new layers.Embedding(10, 4, { inputShape: [6], maskZero: false }),
      new layers.Reshape([6, 4, 1]),
      new layers.GlobalMaxPooling2D(),
      new layers.Dense(2),
    ],
    x: () =>
      tf.tensor2d([[1, 2, 3, 4, 5, 6], [0, 9, 8, 7, 1, 1], [3, 3, 2, 2, 1, 0]], [3, 6], "int32"),
    y: () => tf.randomNormal([3, 2], 0, 1, "float32", 7),
  },
  {
    name: "Embedding with GlobalAveragePooling1D",
    build: () => [
      new layers.Embedding(10, 3, { inputShape: [5] }),
      new layers.GlobalAveragePooling1D(),
      new layers.Dense(1, { activation: "sigmoid" }),
    ],
    x: () => tf.tensor2d([[1, 2, 3, 4, 5], [9, 8, 7, 6, 5]], [2, 5], "int32"),
    y: () => tf.tensor2d([[1], [0]]),
  },
];

for (const c of CASES) {
  for (const format of ["dir", "keras"] as const) {
    Deno.test(`loadModel round trip keeps every layer type (${c.name}; ${format})`, async () => {
      const { dir, cleanup } = await tempDir();
      const [x, y] = [c.x(), c.y()];
      const before = tf.memory().numTensors;
      setSeed(3);
      const model = new Sequential(c.build());
      model.compile({ optimizer: "rmsprop", loss: "mse" });
      await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
      await roundTrip(model, x, y, format === "keras" ? `${dir}/m.keras` : `${dir}/m`);
      model.dispose();
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, y]);
      await cleanup();
    });
  }
}

class TwoTower extends Model {
  left = new layers.Dense(4, { activation: "relu" });
  right = new layers.Dense(4, { activation: "tanh" });
  head = new layers.Dense(1);
  readonly width: number;
  constructor(options: { width?: number; name?: string; trainable?: boolean } = {}) {
    super({ name: options.name, trainable: options.trainable });
    this.width = options.width ?? 4;
  }
  override call(x: tf.Tensor): tf.Tensor {
    return this.head.apply(tf.add(this.left.apply(x), this.right.apply(x)));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), width: this.width };
  }
}
registerSerializable(TwoTower, { package: "Tests" });

class Unregistered extends Model {
  out = new layers.Dense(1);
  override call(x: tf.Tensor): tf.Tensor {
    return this.out.apply(x);
  }
}

for (const format of ["dir", "keras"] as const) {
  Deno.test(`loadModel round trip of a registered subclassed model (${format})`, async () => {
    const { dir, cleanup } = await tempDir();
    const x = tf.randomNormal([8, 3], 0, 1, "float32", 11);
    const y = tf.randomNormal([8, 1], 0, 1, "float32", 12);
    const before = tf.memory().numTensors;
    setSeed(4);
    const model = new TwoTower({ width: 9 });
    model.compile({ optimizer: "sgd", loss: "mse" });
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const path = format === "keras" ? `${dir}/t.keras` : `${dir}/t`;
    await model.save(path);
    const loaded = await loadModel(path);
    assert.ok(loaded instanceof TwoTower);
    assert.equal((loaded as TwoTower).width, 9);
    loaded.dispose();
    await roundTrip(model, x, y, path);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, y]);
    await cleanup();
  });

  Deno.test(`loadModel of an unregistered class says how to register it (${format})`, async () => {
    const { dir, cleanup } = await tempDir();
    const model = new Unregistered();
    model.build([null, 2]);
    const path = format === "keras" ? `${dir}/u.keras` : `${dir}/u`;
    await model.save(path);
    await assert.rejects(loadModel(path), (e: Error) => {
      assert.match(e.message, /"Unregistered"/);
      assert.match(e.message, /registerSerializable\(Unregistered\)/);
      return true;
    });
    model.dispose();
    await cleanup();
  });
}

Deno.test("Model.save with includeOptimizer false stores no optimizer state", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = classifierData();
  const model = smallClassifier();
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  await model.save(`${dir}/m`, { includeOptimizer: false });
  const json = JSON.parse(await Deno.readTextFile(`${dir}/m/model.json`));
  assert.equal(json.kerno.optimizer, undefined);
  const loaded = await loadModel(`${dir}/m`);
  assert.equal(loaded.optimizer.iterations, 0);
  assert.deepEqual(predictValues(loaded, x), predictValues(model, x));
  loaded.dispose();
  model.dispose();
  tf.dispose([x, y]);
  await cleanup();
});

Deno.test("Model.saveWeights and loadWeights round trip both weight formats", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = classifierData();
  const model = smallClassifier(1);
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  for (const path of [`${dir}/w.weights.h5`, `${dir}/w.ckpt`]) {
    await model.saveWeights(path);
    const other = smallClassifier(2);
    assert.notDeepEqual(weightValues(other), weightValues(model));
    await other.loadWeights(path);
    assert.deepEqual(weightValues(other), weightValues(model));
    other.dispose();
  }
  model.dispose();
  tf.dispose([x, y]);
  await cleanup();
});
