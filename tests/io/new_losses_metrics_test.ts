/**
 * The losses and metrics added for Keras parity (focal cross-entropies,
 * cosine similarity, F1/F-beta, MeanIoU, R2, …) survive saving: compiled into
 * a model, saved in both formats, loaded back through the compile config, and
 * evaluated to the same numbers.
 */
import assert from "node:assert/strict";
import { layers, loadModel, losses, metrics, Sequential, setSeed, tf } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";

function data(): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tensor2d(Array.from({ length: 96 }, (_, i) => Math.sin(i * 1.7)), [24, 4]);
  const labels = Array.from({ length: 24 }, (_, i) => (i * 5) % 3);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 3).cast("float32");
  return { x, y };
}

function assertSameLogs(actual: Record<string, number>, expected: Record<string, number>): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const key of Object.keys(expected)) {
    assert.ok(
      Math.abs(actual[key] - expected[key]) < 1e-6,
      `${key}: ${actual[key]} != ${expected[key]}`,
    );
  }
}

Deno.test("loadModel restores the new losses and metrics with their configs in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = data();
  setSeed(5);
  const model = new Sequential([
    new layers.Dense(6, { activation: "relu", inputShape: [4] }),
    new layers.Dense(3, { activation: "softmax" }),
  ]);
  model.compile({
    optimizer: "adam",
    loss: new losses.CategoricalFocalCrossentropy({ alpha: [0.2, 0.3, 0.5], gamma: 1.5 }),
    metrics: [
      new metrics.F1Score({ average: "macro", name: "f1" }),
      new metrics.FBetaScore({ beta: 2, threshold: 0.3 }),
      new metrics.MeanIoU({ numClasses: 3, sparseYTrue: false, sparseYPred: false }),
      new metrics.R2Score({ classAggregation: "variance_weighted_average" }),
      new metrics.CosineSimilarity({ axis: -1 }),
      "categorical_hinge",
      "mape",
    ],
  });
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const before = await model.evaluate(x, y);
  assert.ok("fbeta_score_2" in before && "mean_io_u" in before && "f1" in before);
  for (const name of ["model", "model.keras"]) {
    await model.save(`${dir}/${name}`);
    const loaded = await loadModel(`${dir}/${name}`);
    const loss = loaded.compiled!.loss as losses.CategoricalFocalCrossentropy;
    assert.ok(loss instanceof losses.CategoricalFocalCrossentropy, name);
    assert.deepEqual([loss.alpha, loss.gamma], [[0.2, 0.3, 0.5], 1.5]);
    assertSameLogs(await loaded.evaluate(x, y), before); // builds the metrics
    const found = (n: string) => loaded.compiled!.metrics.find((m) => m.name === n);
    assert.equal((found("f1") as metrics.F1Score).average, "macro");
    assert.equal((found("fbeta_score") as metrics.FBetaScore).threshold, 0.3);
    assert.equal((found("mean_io_u") as metrics.MeanIoU).sparseYPred, false);
    assert.ok(found("r2_score") instanceof metrics.R2Score);
    loaded.dispose();
  }
  tf.dispose([x, y]);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel restores BinaryFocalCrossentropy and the regression metrics", async () => {
  const { dir, cleanup } = await tempDir();
  const x = tf.tensor2d(Array.from({ length: 64 }, (_, i) => Math.cos(i)), [16, 4]);
  const y = tf.tensor2d(Array.from({ length: 16 }, (_, i) => i % 2), [16, 1]);
  setSeed(6);
  const model = new Sequential([new layers.Dense(1, { activation: "sigmoid", inputShape: [4] })]);
  model.compile({
    optimizer: "sgd",
    loss: new losses.BinaryFocalCrossentropy({ applyClassBalancing: true, alpha: 0.4, gamma: 3 }),
    metrics: [
      new metrics.Poisson(),
      new metrics.SquaredHinge(),
      new metrics.MeanSquaredLogarithmicError({ name: "my_msle" }),
      "binary_focal_crossentropy",
    ],
  });
  const before = await model.evaluate(x, y);
  for (const name of ["model", "model.keras"]) {
    await model.save(`${dir}/${name}`);
    const loaded = await loadModel(`${dir}/${name}`);
    const loss = loaded.compiled!.loss as losses.BinaryFocalCrossentropy;
    assert.deepEqual([loss.applyClassBalancing, loss.alpha, loss.gamma], [true, 0.4, 3]);
    assertSameLogs(await loaded.evaluate(x, y), before);
    loaded.dispose();
  }
  tf.dispose([x, y]);
  model.dispose();
  await cleanup();
});
