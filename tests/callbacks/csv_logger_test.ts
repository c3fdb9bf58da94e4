import assert from "node:assert/strict";
import { callbacks, tf } from "../../mod.ts";
import { linearData, tinyModel } from "./_helpers.ts";

function lines(path: string): string[] {
  return Deno.readTextFileSync(path).split("\n").slice(0, -1);
}

Deno.test("CSVLogger writes epoch + sorted keys and one row per epoch", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/log.csv`;
  const model = tinyModel(0.05, ["mae"]);
  const { x, y } = linearData();
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 4,
    validationSplit: 0.25,
    verbose: 0,
    callbacks: [new callbacks.CSVLogger(path)],
  });
  const rows = lines(path);
  assert.equal(rows[0], "epoch,learning_rate,loss,mae,val_loss,val_mae");
  assert.equal(rows.length, 4);
  const h = history.history;
  for (let e = 0; e < 3; e++) {
    const cells = rows[e + 1].split(",");
    assert.equal(cells[0], String(e));
    assert.deepEqual(cells.slice(1).map(Number), [
      h.learning_rate[e],
      h.loss[e],
      h.mae[e],
      h.val_loss[e],
      h.val_mae[e],
    ]);
  }
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("CSVLogger adds NA val_ columns when the first epoch has no validation (Keras)", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/log.csv`;
  const model = tinyModel(0.05);
  const { x, y } = linearData();
  await model.fit(x, y, {
    epochs: 2,
    batchSize: 4,
    validationData: [x, y],
    validationFreq: 2,
    verbose: 0,
    callbacks: [new callbacks.CSVLogger(path, { separator: ";" })],
  });
  const rows = lines(path).map((r) => r.split(";"));
  assert.deepEqual(rows[0], ["epoch", "learning_rate", "loss", "val_loss"]);
  assert.equal(rows[1][3], "NA");
  assert.ok(Number.isFinite(Number(rows[2][3])));
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("CSVLogger append keeps the header and adds rows; without append the file is replaced", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/log.csv`;
  const model = tinyModel(0.05);
  const { x, y } = linearData();
  const fit = (append: boolean, epochs: number) =>
    model.fit(x, y, {
      epochs,
      verbose: 0,
      callbacks: [new callbacks.CSVLogger(path, { append })],
    });
  await fit(true, 2); // a new file gets a header even in append mode
  await fit(true, 3);
  let rows = lines(path);
  assert.equal(rows.length, 1 + 2 + 3);
  assert.equal(rows.filter((r) => r.startsWith("epoch")).length, 1);
  assert.deepEqual(rows.slice(1).map((r) => r.split(",")[0]), ["0", "1", "0", "1", "2"]);
  await fit(false, 1);
  rows = lines(path);
  assert.equal(rows.length, 2);
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("CSVLogger flushes every row at the end of its epoch", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/log.csv`;
  const model = tinyModel(0.05);
  const { x, y } = linearData();
  const seen: number[] = [];
  await model.fit(x, y, {
    epochs: 3,
    verbose: 0,
    callbacks: [
      new callbacks.CSVLogger(path),
      new callbacks.LambdaCallback({ onEpochEnd: () => void seen.push(lines(path).length) }),
    ],
  });
  assert.deepEqual(seen, [2, 3, 4]);
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("CSVLogger reports an unwritable path before the first batch", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  let batches = 0;
  await assert.rejects(
    model.fit(x, y, {
      epochs: 1,
      verbose: 0,
      callbacks: [
        new callbacks.CSVLogger("/nonexistent-kerno-dir/sub/log.csv"),
        new callbacks.LambdaCallback({ onTrainBatchBegin: () => void batches++ }),
      ],
    }),
    (e: Error) =>
      e instanceof TypeError &&
      /Cannot write CSVLogger's file "\/nonexistent-kerno-dir\/sub\/log.csv"/.test(e.message),
  );
  assert.equal(batches, 0);
  model.dispose();
});

Deno.test("CSVLogger rejects bad options", () => {
  assert.throws(
    () => new callbacks.CSVLogger(""),
    (e: Error) => e instanceof TypeError && /"path" must be a file path/.test(e.message),
  );
  assert.throws(
    () => new callbacks.CSVLogger("a.csv", { separator: "\n" }),
    (e: Error) => e instanceof TypeError && /"separator" must be one character/.test(e.message),
  );
  assert.throws(
    () => new callbacks.CSVLogger("a.csv", { append: 1 as never }),
    (e: Error) => e instanceof TypeError && /"append" must be true or false/.test(e.message),
  );
});

Deno.test("CSVLogger leaks no tensors", async () => {
  const dir = Deno.makeTempDirSync();
  const model = tinyModel();
  const { x, y } = linearData();
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const before = tf.memory().numTensors;
  await model.fit(x, y, {
    epochs: 2,
    verbose: 0,
    callbacks: [new callbacks.CSVLogger(`${dir}/log.csv`)],
  });
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});
