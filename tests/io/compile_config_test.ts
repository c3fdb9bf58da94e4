import assert from "node:assert/strict";
import {
  callbacks,
  layers,
  loadModel,
  losses,
  metrics,
  type Model,
  registerSerializable,
  Sequential,
  setSeed,
  tf,
} from "../../mod.ts";
import { predictValues, tempDir } from "./_helpers.ts";

/** A custom metric with an option of its own: the largest prediction seen, times `scale`. */
class MaxPrediction extends metrics.Metric {
  readonly scale: number;
  #max = 0;
  constructor(options: { name?: string; scale?: number } = {}) {
    super(options.name ?? "max_prediction", "max");
    this.scale = options.scale ?? 1;
  }
  updateState(_yTrue: tf.Tensor | number, yPred?: tf.Tensor | number): void {
    const values = typeof yPred === "number" ? [yPred] : Array.from(yPred!.dataSync());
    this.#max = Math.max(this.#max, ...values.map((v) => v * this.scale));
  }
  result(): number {
    return this.#max;
  }
  resetState(): void {
    this.#max = 0;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale };
  }
}
registerSerializable(MaxPrediction);

/** The same metric, never registered. */
class UnregisteredMetric extends MaxPrediction {}

function scaledAbs(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.mul(tf.abs(tf.sub(t, p)), 2);
}
registerSerializable(scaledAbs);

function meanPred(_t: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.mean(p, -1);
}
registerSerializable(meanPred, { name: "mean_prediction" });

function data(): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tensor2d(Array.from({ length: 96 }, (_, i) => Math.sin(i * 1.3)), [32, 3]);
  const y = tf.tensor2d(Array.from({ length: 32 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0), [32, 1]);
  return { x, y };
}

function net(activation: "linear" | "sigmoid"): Sequential {
  setSeed(3);
  return new Sequential([
    new layers.Dense(5, { activation: "relu", inputShape: [3] }),
    new layers.Dense(1, { activation }),
  ]);
}

function compiledRichly(): Sequential {
  const model = net("linear");
  model.compile({
    optimizer: "adam",
    loss: new losses.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
    metrics: [
      new metrics.Precision({ thresholds: 0.9, name: "prec" }),
      new metrics.Recall({ thresholds: [0.2, 0.6] }),
      new metrics.AUC({ numThresholds: 50, curve: "PR", fromLogits: true, name: "pr_auc" }),
      new MaxPrediction({ scale: 2 }),
      "accuracy",
    ],
  });
  return model;
}

async function withWarnings<T>(f: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
  try {
    return { value: await f(), warnings };
  } finally {
    console.warn = original;
  }
}

function assertClose(actual: Record<string, number>, expected: Record<string, number>): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const key of Object.keys(expected)) {
    assert.ok(
      Math.abs(actual[key] - expected[key]) < 1e-6,
      `${key}: ${actual[key]} != ${expected[key]}`,
    );
  }
}

function metricByName(model: Model, name: string): metrics.Metric {
  const found = model.compiled!.metrics.find((m) => m.name === name);
  assert.ok(found, `no metric ${name}`);
  return found;
}

const PATHS = ["model", "model.keras"];

Deno.test("loadModel restores loss and metric configs (thresholds, names, fromLogits) in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = data();
  const model = compiledRichly();
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const before = await model.evaluate(x, y);
  for (const name of PATHS) {
    await model.save(`${dir}/${name}`);
    const { value: loaded, warnings } = await withWarnings(() => loadModel(`${dir}/${name}`));
    assert.deepEqual(warnings, []);
    const loss = loaded.compiled!.loss;
    assert.ok(loss instanceof losses.BinaryCrossentropy);
    assert.equal(loss.fromLogits, true);
    assert.equal(loss.labelSmoothing, 0.1);
    assertClose(await loaded.evaluate(x, y), before);
    const prec = metricByName(loaded, "prec") as metrics.Precision;
    assert.ok(prec instanceof metrics.Precision);
    assert.deepEqual(prec.thresholds, [0.9]);
    assert.deepEqual((metricByName(loaded, "recall") as metrics.Recall).thresholds, [0.2, 0.6]);
    const auc = metricByName(loaded, "pr_auc") as metrics.AUC;
    assert.deepEqual([auc.numThresholds, auc.curve, auc.fromLogits], [50, "PR", true]);
    const custom = metricByName(loaded, "max_prediction") as MaxPrediction;
    assert.ok(custom instanceof MaxPrediction);
    assert.equal(custom.scale, 2);
    assert.ok(metricByName(loaded, "accuracy") instanceof metrics.BinaryAccuracy);
    assert.deepEqual(predictValues(loaded, x), predictValues(model, x));
    loaded.dispose();
  }
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model/model.json`));
  const tc = json.modelTopology.training_config;
  assert.equal(tc.loss.class_name, "BinaryCrossentropy");
  assert.deepEqual(tc.loss.config, {
    name: "binary_crossentropy",
    reduction: "sum_over_batch_size",
    from_logits: true,
    label_smoothing: 0.1,
  });
  assert.deepEqual(tc.metrics[0], {
    class_name: "Precision",
    config: { name: "prec", thresholds: 0.9 },
    registered_name: null,
  });
  assert.equal(tc.metrics[3].registered_name, "Custom>MaxPrediction");
  assert.equal(tc.metrics[4], "accuracy");
  assert.equal(tc.optimizer_config.class_name, "Adam");
  tf.dispose([x, y]);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel restores registered loss and metric functions in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = data();
  const model = net("sigmoid");
  model.compile({
    optimizer: "sgd",
    loss: scaledAbs,
    metrics: [meanPred, new metrics.MeanMetricWrapper(scaledAbs, { name: "wrapped" })],
  });
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const before = await model.evaluate(x, y);
  assert.deepEqual(Object.keys(before).sort(), ["loss", "meanPred", "wrapped"]);
  for (const name of PATHS) {
    await model.save(`${dir}/${name}`);
    const { value: loaded, warnings } = await withWarnings(() => loadModel(`${dir}/${name}`));
    assert.deepEqual(warnings, []);
    assertClose(await loaded.evaluate(x, y), before);
    loaded.dispose();
  }
  const config = JSON.parse(await Deno.readTextFile(`${dir}/model/model.json`));
  assert.deepEqual(config.modelTopology.training_config.loss, {
    class_name: "function",
    config: "Custom>scaledAbs",
    registered_name: "Custom>scaledAbs",
  });
  tf.dispose([x, y]);
  model.dispose();
  await cleanup();
});

/** A custom loss class with an option of its own. */
class ScaledSquare extends losses.Loss {
  readonly scale: number;
  constructor(options: losses.LossOptions & { scale?: number } = {}) {
    super("scaled_square", options);
    this.scale = options.scale ?? 1;
  }
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.mean(tf.square(tf.sub(yTrue, yPred)), -1), this.scale));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale };
  }
}
registerSerializable(ScaledSquare, { package: "Tests" });

Deno.test("loadModel restores a registered Loss subclass with its config in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = data();
  const model = net("sigmoid");
  model.compile({ optimizer: "sgd", loss: new ScaledSquare({ scale: 3, reduction: "sum" }) });
  const before = await model.evaluate(x, y);
  for (const name of PATHS) {
    await model.save(`${dir}/${name}`);
    const loaded = await loadModel(`${dir}/${name}`);
    const loss = loaded.compiled!.loss as ScaledSquare;
    assert.ok(loss instanceof ScaledSquare);
    assert.deepEqual([loss.scale, loss.reduction, loss.name], [3, "sum", "scaled_square"]);
    assertClose(await loaded.evaluate(x, y), before);
    loaded.dispose();
  }
  tf.dispose([x, y]);
  model.dispose();
  await cleanup();
});

Deno.test("ModelCheckpoint files keep custom metrics and loss settings", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = data();
  const model = compiledRichly();
  await model.fit(x, y, {
    epochs: 2,
    batchSize: 8,
    verbose: 0,
    callbacks: [
      new callbacks.ModelCheckpoint(`${dir}/ckpt.keras`, { monitor: "loss" }),
      new callbacks.ModelCheckpoint(`${dir}/ckpt_dir`, { monitor: "loss" }),
    ],
  });
  const before = await model.evaluate(x, y);
  for (const path of [`${dir}/ckpt.keras`, `${dir}/ckpt_dir`]) {
    const loaded = await loadModel(path);
    assertClose(await loaded.evaluate(x, y), before);
    assert.equal((metricByName(loaded, "max_prediction") as MaxPrediction).scale, 2);
    loaded.dispose();
  }
  tf.dispose([x, y]);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel warns naming the file and an unregistered metric, and leaves the model uncompiled", async () => {
  const { dir, cleanup } = await tempDir();
  const { x } = data();
  const model = net("sigmoid");
  model.compile({ optimizer: "adam", loss: "mse", metrics: ["mae", new UnregisteredMetric()] });
  for (const name of PATHS) {
    const path = `${dir}/${name}`;
    await model.save(path);
    const { value: loaded, warnings } = await withWarnings(() => loadModel(path));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(path.replace(/[.]/g, "\\.")));
    assert.match(
      warnings[0],
      /metric "UnregisteredMetric" is neither built into kerno nor registered/,
    );
    assert.match(warnings[0], /registerSerializable\(UnregisteredMetric\)/);
    assert.equal(loaded.compiled, null);
    assert.deepEqual(predictValues(loaded, x), predictValues(model, x));
    loaded.dispose();
    const { value: plain, warnings: none } = await withWarnings(() =>
      loadModel(path, { compile: false })
    );
    assert.deepEqual(none, []);
    assert.equal(plain.compiled, null);
    plain.dispose();
  }
  tf.dispose(x);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel warns naming the file and an unregistered loss function, and leaves the model uncompiled", async () => {
  const { dir, cleanup } = await tempDir();
  const { x } = data();
  const model = net("sigmoid");
  const myAbs = (t: tf.Tensor, p: tf.Tensor) => tf.abs(tf.sub(t, p));
  model.compile({ optimizer: "adam", loss: myAbs, metrics: [new metrics.Precision()] });
  for (const name of PATHS) {
    const path = `${dir}/${name}`;
    await model.save(path);
    const { value: loaded, warnings } = await withWarnings(() => loadModel(path));
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].includes(path), warnings[0]);
    assert.match(warnings[0], /loss function "myAbs" is not registered/);
    assert.equal(loaded.compiled, null);
    assert.deepEqual(predictValues(loaded, x), predictValues(model, x));
    loaded.dispose();
  }
  tf.dispose(x);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel names the file of a corrupt compile config", async () => {
  const { dir, cleanup } = await tempDir();
  const model = net("sigmoid");
  model.compile({ optimizer: "adam", loss: "mse" });
  await model.save(`${dir}/m`);
  const file = `${dir}/m/model.json`;
  const json = JSON.parse(await Deno.readTextFile(file));
  json.modelTopology.training_config.metrics = 5;
  await Deno.writeTextFile(file, JSON.stringify(json));
  await assert.rejects(
    () => loadModel(`${dir}/m`),
    (e: Error) => e instanceof TypeError && e.message.includes(file) && /"metrics"/.test(e.message),
  );
  json.modelTopology.training_config.metrics = [{ config: {} }];
  await Deno.writeTextFile(file, JSON.stringify(json));
  await assert.rejects(() => loadModel(`${dir}/m`), /has no string "class_name"/);
  model.dispose();
  await cleanup();
});

Deno.test("registerSerializable refuses an anonymous function without a name", () => {
  assert.throws(
    () => registerSerializable((t: tf.Tensor) => t),
    /"name" must be a non-empty string/,
  );
  assert.equal(
    registerSerializable((t: tf.Tensor) => t, { name: "identity_metric" }),
    "Custom>identity_metric",
  );
});
