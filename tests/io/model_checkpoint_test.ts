import assert from "node:assert/strict";
import { callbacks, loadModel, tf } from "../../mod.ts";
import { formatFilepath } from "../../callbacks/_filepath_template.ts";
import {
  classifierData,
  predictValues,
  smallClassifier,
  tempDir,
  weightValues,
} from "./_helpers.ts";

Deno.test("formatFilepath fills Keras's templates as Python's str.format does", () => {
  const values = { epoch: 3, val_loss: 0.123456, loss: 12.5 };
  assert.equal(formatFilepath("w.{epoch:02d}-{val_loss:.2f}.h5", values), "w.03-0.12.h5");
  assert.equal(formatFilepath("{epoch}/{loss}", values), "3/12.5");
  assert.equal(formatFilepath("{loss:08.3f}|{epoch:3d}|{{x}}", values), "0012.500|  3|{x}");
  assert.equal(formatFilepath("{val_loss:.1e}", values), "1.2e-01");
  assert.throws(() => formatFilepath("{acc}", values), /"\{acc\}" is not a logged value/);
});

Deno.test("ModelCheckpoint saves every epoch under its 1-based template name", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = classifierData();
  const model = smallClassifier();
  const checkpoint = new callbacks.ModelCheckpoint(`${dir}/m-{epoch:02d}-{loss:.3f}.keras`, {
    monitor: "loss",
  });
  const history = await model.fit(x, y, {
    epochs: 2,
    batchSize: 8,
    verbose: 0,
    callbacks: [checkpoint],
  });
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  const expected = history.history.loss.map((l, i) => `m-0${i + 1}-${l.toFixed(3)}.keras`);
  assert.deepEqual(names, expected);
  const last = await loadModel(`${dir}/${expected[1]}`);
  assert.deepEqual(predictValues(last, x), predictValues(model, x));
  last.dispose();
  model.dispose();
  tf.dispose([x, y]);
  await cleanup();
});

Deno.test("ModelCheckpoint with saveBestOnly keeps only improvements and honours initialValueThreshold", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = classifierData();
  const model = smallClassifier();
  const checkpoint = new callbacks.ModelCheckpoint(`${dir}/best.weights.h5`, {
    monitor: "loss",
    saveBestOnly: true,
    saveWeightsOnly: true,
    initialValueThreshold: -1, // nothing beats a negative loss
  });
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [checkpoint] });
  assert.equal(checkpoint.lastSaved, null);
  const best = new callbacks.ModelCheckpoint(`${dir}/best.weights.h5`, {
    monitor: "loss",
    mode: "min",
    saveBestOnly: true,
    saveWeightsOnly: true,
  });
  const saved: number[][][] = [];
  const spy = new callbacks.LambdaCallback({
    onEpochEnd: () => void saved.push(weightValues(model)),
  });
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 8,
    verbose: 0,
    callbacks: [best, spy],
  });
  const losses = history.history.loss;
  const bestEpoch = losses.indexOf(Math.min(...losses));
  assert.equal(best.best, losses[bestEpoch]);
  const other = smallClassifier(5);
  await other.loadWeights(`${dir}/best.weights.h5`);
  assert.deepEqual(weightValues(other), saved[bestEpoch]);
  other.dispose();
  model.dispose();
  tf.dispose([x, y]);
  await cleanup();
});

Deno.test("ModelCheckpoint with an integer saveFreq saves every that many batches with {batch}", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = classifierData();
  const model = smallClassifier();
  const checkpoint = new callbacks.ModelCheckpoint(`${dir}/e{epoch}-b{batch}.ckpt`, {
    saveFreq: 3,
    saveWeightsOnly: true,
  });
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [checkpoint] }); // 4 batches per epoch
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(names, ["e1-b3.ckpt", "e2-b2.ckpt"]);
  model.dispose();
  tf.dispose([x, y]);
  await cleanup();
});

Deno.test("ModelCheckpoint rejects bad options", () => {
  assert.throws(() => new callbacks.ModelCheckpoint(""), /"filepath" must be a non-empty string/);
  assert.throws(
    () => new callbacks.ModelCheckpoint("a", { saveFreq: 1.5 }),
    /"saveFreq" must be "epoch" or a positive integer: received 1.5/,
  );
  assert.throws(
    () => new callbacks.ModelCheckpoint("a", { mode: "up" as "min" }),
    /"mode" must be/,
  );
});
