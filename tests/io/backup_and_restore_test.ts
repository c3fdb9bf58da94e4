import assert from "node:assert/strict";
import { callbacks, layers, Sequential, setSeed, tf } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";
import { saveCheckpoint } from "../../io/save_model.ts";

const CHILD = new URL("./_train_child.ts", import.meta.url).pathname;

/**
 * Runs the training child; when `killAt` ("batch <epoch> <step>") is printed,
 * sends SIGKILL at once — the child is then about to write, or writing, the
 * backup of that batch.
 */
async function runChild(
  backupDir: string,
  outFile: string,
  killAt?: string,
): Promise<{ killed: boolean; lines: string[] }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, backupDir, outFile],
    stdout: "piped",
    stderr: "piped",
    env: { KERNO_BACKEND: "cpu" },
  }).spawn();
  const lines: string[] = [];
  let killed = false;
  let buffer = "";
  const stderr = new Response(child.stderr).text();
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      if (!killed && line === killAt) {
        child.kill("SIGKILL");
        killed = true;
      }
    }
  }
  const status = await child.status;
  const errors = await stderr;
  if (!killed) assert.equal(status.code, 0, errors);
  else assert.equal(status.signal, "SIGKILL");
  return { killed, lines };
}

Deno.test({
  name:
    "BackupAndRestore resumes a run killed mid-epoch and mid-write to bit-identical final weights",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    await runChild(`${dir}/reference-backup`, `${dir}/reference.bin`);
    const reference = await Deno.readFile(`${dir}/reference.bin`);

    const backup = `${dir}/backup`;
    const first = await runChild(backup, `${dir}/resumed.bin`, "batch 1 5");
    assert.ok(first.killed);
    const second = await runChild(backup, `${dir}/resumed.bin`, "batch 3 12");
    assert.ok(second.killed);
    // The kill lands before, during or after the backup of batch 5 is written (the child does not
    // wait for it): the run resumes at batch 5, or at 6 when that backup was complete.
    assert.match(second.lines[0], /^batch 1 [56]$/, "the second run resumes after the last backup");
    const third = await runChild(backup, `${dir}/resumed.bin`);
    assert.equal(third.lines.at(-1), "done");
    assert.match(third.lines[0], /^batch 3 1[23]$/);
    const resumed = await Deno.readFile(`${dir}/resumed.bin`);
    assert.equal(resumed.length, reference.length);
    assert.ok(
      resumed.every((b, i) => b === reference[i]),
      "final weights differ from the uninterrupted run",
    );
    // deleteCheckpoint: the finished run removed its backup (a torn temp file may remain from a kill).
    const left = (await Deno.stat(backup).then(() => true, () => false))
      ? [...Deno.readDirSync(backup)].map((e) => e.name)
      : [];
    assert.ok(!left.includes("backup.ckpt"));
    assert.ok(left.every((n) => n.endsWith(".kerno-tmp")));
    await cleanup();
  },
});

Deno.test("BackupAndRestore with saveFreq epoch resumes at the next epoch in-process", async () => {
  const { dir, cleanup } = await tempDir();
  const x = tf.randomNormal([32, 4], 0, 1, "float32", 1);
  const y = tf.randomNormal([32, 1], 0, 1, "float32", 2);
  const make = () => {
    setSeed(9);
    const m = new Sequential([
      new layers.Dense(3, { inputShape: [4] }),
      new layers.Dropout(0.2),
      new layers.Dense(1),
    ]);
    m.compile({ optimizer: "adam", loss: "mse" });
    return m;
  };
  const reference = make();
  await reference.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });

  const before = tf.memory().numTensors;
  const interrupted = make();
  const stopAfterTwo = new callbacks.LambdaCallback({
    onEpochEnd: (epoch: number) => {
      if (epoch === 1) throw new Error("crash");
    },
  });
  const backup = new callbacks.BackupAndRestore(`${dir}/b`);
  await assert.rejects(
    interrupted.fit(x, y, {
      epochs: 4,
      batchSize: 8,
      verbose: 0,
      callbacks: [backup, stopAfterTwo],
    }),
    /crash/,
  );
  interrupted.dispose();
  const resumed = make();
  const seen: number[] = [];
  const watch = new callbacks.LambdaCallback({ onEpochBegin: (e: number) => void seen.push(e) });
  const history = await resumed.fit(x, y, {
    epochs: 4,
    batchSize: 8,
    verbose: 0,
    callbacks: [new callbacks.BackupAndRestore(`${dir}/b`), watch],
  });
  assert.deepEqual(seen, [2, 3]);
  assert.equal(history.history.loss.length, 2);
  assert.deepEqual(
    resumed.weights.map((w) => Array.from(w.dataSync())),
    reference.weights.map((w) => Array.from(w.dataSync())),
  );
  await assert.rejects(Deno.stat(`${dir}/b/backup.ckpt`));
  resumed.dispose();
  assert.equal(tf.memory().numTensors, before);
  reference.dispose();
  tf.dispose([x, y]);
  await cleanup();
});

Deno.test("BackupAndRestore rejects bad options", () => {
  assert.throws(() => new callbacks.BackupAndRestore(""), /"backupDir" must be a non-empty string/);
  assert.throws(
    () => new callbacks.BackupAndRestore("x", { saveFreq: 0 }),
    /"saveFreq" must be "epoch" or a positive integer: received 0/,
  );
});

Deno.test("Model.resumeFrom set in a callback's onTrainBegin is where fit starts, and fit clears it", async () => {
  class ResumeAt extends callbacks.Callback {
    override onTrainBegin(): Promise<void> {
      this.model!.resumeFrom = { epoch: 2, step: 3 };
      return Promise.resolve();
    }
  }
  const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = tf.ones([20, 2]);
  const y = tf.zeros([20, 1]);
  const seen: string[] = [];
  const watch = new callbacks.LambdaCallback({
    onTrainBatchBegin: (batch: number) => void seen.push(`batch ${batch}`),
    onEpochBegin: (epoch: number) => void seen.push(`epoch ${epoch}`),
  });
  await model.fit(x, y, {
    epochs: 4,
    batchSize: 4,
    verbose: 0,
    callbacks: [new ResumeAt(), watch],
  });
  assert.deepEqual(seen, [
    "epoch 2",
    "batch 3",
    "batch 4",
    "epoch 3",
    "batch 0",
    "batch 1",
    "batch 2",
    "batch 3",
    "batch 4",
  ]);
  assert.equal(model.resumeFrom, null);
  seen.length = 0;
  await model.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [watch] });
  assert.deepEqual(seen, ["epoch 0", "batch 0", "batch 1"]);
  model.dispose();
  tf.dispose([x, y]);
});

Deno.test("BackupAndRestore rejects a checkpoint that is not its backup", async () => {
  const { dir, cleanup } = await tempDir();
  const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = tf.ones([4, 2]);
  const y = tf.zeros([4, 1]);
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  await Deno.mkdir(`${dir}/b`);
  await saveCheckpoint(model, `${dir}/b/backup.ckpt`, { epoch: "one" });
  await assert.rejects(
    model.fit(x, y, {
      epochs: 2,
      verbose: 0,
      callbacks: [new callbacks.BackupAndRestore(`${dir}/b`)],
    }),
    (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /backup\.ckpt as it is not a BackupAndRestore backup: .*delete it/);
      return true;
    },
  );
  assert.equal(model.resumeFrom, null);
  model.dispose();
  tf.dispose([x, y]);
  await cleanup();
});
